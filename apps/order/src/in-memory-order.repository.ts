import type { Order, OrderStatus } from './order.entity.js';
import type { OrderChanges, OrderPageQuery, OrderRepository } from './order.repository.js';

/**
 * The order repository in memory, for unit tests: the same answers as PostgreSQL's, none of its
 * locking (each test runs one command at a time). Rows are copied in and out, as a database would.
 * Every write is one tick of a fake clock later, so "newest first" is well defined.
 */
export class InMemoryOrderRepository implements OrderRepository {
  readonly rows = new Map<string, Order>();
  private clock = Date.parse('2026-01-01T00:00:00Z');

  insertIfAbsent(candidate: Order): Promise<boolean> {
    if (this.rows.has(candidate.id)) return Promise.resolve(false);
    const now = this.tick();
    this.rows.set(candidate.id, { ...candidate, createdAt: now, updatedAt: now });
    return Promise.resolve(true);
  }

  findForUpdate(id: string): Promise<Order | null> {
    return this.findById(id);
  }

  transition(id: string, from: OrderStatus, changes: OrderChanges): Promise<boolean> {
    const row = this.rows.get(id);
    if (row?.status !== from) return Promise.resolve(false);
    this.rows.set(id, { ...row, ...changes, updatedAt: this.tick() });
    return Promise.resolve(true);
  }

  save(changed: Order): Promise<void> {
    const row = this.rows.get(changed.id);
    if (!row) return Promise.resolve();
    const { status, rejectionReason, cancellableUntil, cancellationId, cancellationFailure } =
      changed;
    this.rows.set(changed.id, {
      ...row,
      ...{ status, rejectionReason, cancellableUntil, cancellationId, cancellationFailure },
      updatedAt: this.tick(),
    });
    return Promise.resolve();
  }

  findById(id: string): Promise<Order | null> {
    const row = this.rows.get(id);
    return Promise.resolve(row ? { ...row } : null);
  }

  findPage({ customerId, limit, after }: OrderPageQuery): Promise<Order[]> {
    const cursor = after === undefined ? undefined : this.rows.get(after);
    // An unknown cursor compares as NULL in SQL: no row comes after it.
    if (after !== undefined && !cursor) return Promise.resolve([]);
    const page = [...this.rows.values()]
      .filter((row) => !customerId || row.customerId === customerId)
      .filter((row) => !cursor || newestFirst(row, cursor) > 0)
      .sort(newestFirst)
      .slice(0, limit);
    return Promise.resolve(page.map((row) => ({ ...row })));
  }

  private tick(): Date {
    this.clock += 1;
    return new Date(this.clock);
  }
}

/** The keyset order of `ORDER BY created_at DESC, id DESC`. */
function newestFirst(a: Order, b: Order): number {
  const byTime = b.createdAt.getTime() - a.createdAt.getTime();
  if (byTime !== 0) return byTime;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

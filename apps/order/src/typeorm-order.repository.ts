import { Injectable } from '@nestjs/common';
import { queryPrepared } from '@app/persistence';
import { DataSource, type EntityManager } from 'typeorm';
import { Order, type OrderStatus } from './order.entity.js';
import { OrderRepository, type OrderChanges, type OrderPageQuery } from './order.repository.js';

/** The column of each field a command may change. */
const CHANGEABLE: Record<keyof OrderChanges, string> = {
  status: 'status',
  rejectionReason: 'rejection_reason',
  cancellableUntil: 'cancellable_until',
  cancellationId: 'cancellation_id',
  cancellationFailure: 'cancellation_failure',
};

/**
 * Orders in PostgreSQL. The commands' writes are prepared SQL (`queryPrepared`): one statement a
 * command, parsed once per connection; reads and pages go through TypeORM.
 */
@Injectable()
export class TypeOrmOrderRepository extends OrderRepository {
  constructor(private readonly dataSource: DataSource) {
    super();
  }

  /** A concurrent insert of the same id is waited for, then counts as taken. */
  async insertIfAbsent(order: Order, manager: EntityManager): Promise<boolean> {
    const rows = await queryPrepared<{ created_at: Date; updated_at: Date }>(
      manager,
      `INSERT INTO orders (id, customer_id, total_amount, total_currency, status,
         rejection_reason, cancellable_until, cancellation_id, cancellation_failure)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       ON CONFLICT DO NOTHING RETURNING created_at, updated_at`,
      [
        order.id,
        order.customerId,
        order.totalAmount,
        order.totalCurrency,
        order.status,
        order.rejectionReason ?? null,
        order.cancellableUntil ?? null,
        order.cancellationId ?? null,
        order.cancellationFailure ?? null,
      ],
    );
    if (rows.length === 0) return false;
    order.createdAt = rows[0].created_at;
    order.updatedAt = rows[0].updated_at;
    return true;
  }

  findForUpdate(id: string, manager: EntityManager): Promise<Order | null> {
    return manager.findOne(Order, { where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  /** One guarded UPDATE: PostgreSQL re-checks the status after waiting for the row's lock. */
  async transition(
    id: string,
    from: OrderStatus,
    changes: OrderChanges,
    manager: EntityManager,
  ): Promise<boolean> {
    const { assignments, values } = assignmentsOf(changes, 3);
    const rows = await queryPrepared(
      manager,
      `UPDATE orders SET ${assignments}updated_at = now() WHERE id = $1 AND status = $2 RETURNING id`,
      [id, from, ...values],
    );
    return rows.length === 1;
  }

  /**
   * One UPDATE of what a command may change; not TypeORM's `save`, which reads the row again
   * first (the caller holds it locked, as read).
   */
  async save(order: Order, manager: EntityManager): Promise<void> {
    const { status, rejectionReason, cancellableUntil, cancellationId, cancellationFailure } =
      order;
    const { assignments, values } = assignmentsOf(
      { status, rejectionReason, cancellableUntil, cancellationId, cancellationFailure },
      2,
    );
    await queryPrepared(
      manager,
      `UPDATE orders SET ${assignments}updated_at = now() WHERE id = $1`,
      [order.id, ...values],
    );
  }

  findById(id: string): Promise<Order | null> {
    return this.dataSource.manager.findOneBy(Order, { id });
  }

  /** By keyset (created_at, id). */
  findPage({ customerId, limit, after }: OrderPageQuery): Promise<Order[]> {
    const query = this.dataSource.manager
      .createQueryBuilder(Order, 'o')
      .orderBy('o.createdAt', 'DESC')
      .addOrderBy('o.id', 'DESC')
      .limit(limit);
    if (customerId) query.andWhere('o.customer_id = :customerId', { customerId });
    if (after) {
      query.andWhere(
        '(o.created_at, o.id) < (SELECT created_at, id FROM orders WHERE id = :after)',
        { after },
      );
    }
    return query.getMany();
  }
}

/** `column = $n, ` for each change given (undefined: left as it is), parameters from `$first`. */
function assignmentsOf(
  changes: OrderChanges,
  first: number,
): { assignments: string; values: unknown[] } {
  const values: unknown[] = [];
  let assignments = '';
  for (const [field, value] of Object.entries(changes) as [keyof OrderChanges, unknown][]) {
    if (value === undefined) continue;
    assignments += `${CHANGEABLE[field]} = $${first + values.length}, `;
    values.push(value);
  }
  return { assignments, values };
}

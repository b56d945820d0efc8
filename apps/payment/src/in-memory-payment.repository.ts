import type { Payment, PaymentStatus } from './payment.entity.js';
import type { NewPayment, PaymentChanges, PaymentRepository } from './payment.repository.js';

/**
 * The payment repository in memory, for unit tests: the same answers as PostgreSQL's, none of its
 * locking (each test runs one command at a time). Rows are copied in and out, as a database would.
 */
export class InMemoryPaymentRepository implements PaymentRepository {
  /** By order id: an order has at most one. */
  readonly rows = new Map<string, Payment>();

  insertIfAbsent(payment: NewPayment): Promise<boolean> {
    if (this.rows.has(payment.orderId)) return Promise.resolve(false);
    const now = new Date();
    this.rows.set(payment.orderId, {
      ...payment,
      providerReference: null,
      failureCode: null,
      failureReason: null,
      cancelledAt: null,
      cancelReplies: [],
      refundReplies: [],
      refundFailure: null,
      settleAttempts: 0,
      createdAt: now,
      updatedAt: now,
    });
    return Promise.resolve(true);
  }

  lockByOrderId(orderId: string): Promise<Payment> {
    const row = this.rows.get(orderId);
    return row
      ? Promise.resolve({ ...row })
      : Promise.reject(new Error(`no payment for order ${orderId}`));
  }

  update(id: string, changes: PaymentChanges): Promise<void> {
    const row = this.byId(id);
    if (row) Object.assign(row, changes, { updatedAt: new Date() });
    return Promise.resolve();
  }

  transition(
    orderId: string,
    from: PaymentStatus,
    changes: PaymentChanges,
    _manager?: unknown,
    guard?: { unlessCancelled: boolean },
  ): Promise<Payment | null> {
    const row = this.rows.get(orderId);
    if (row?.status !== from) return Promise.resolve(null);
    if (guard?.unlessCancelled && (row.cancelledAt !== null || row.cancelReplies.length > 0))
      return Promise.resolve(null);
    const before = { ...row };
    Object.assign(row, changes, { updatedAt: new Date() });
    return Promise.resolve(before);
  }

  findByOrderId(orderId: string): Promise<Payment | null> {
    const row = this.rows.get(orderId);
    return Promise.resolve(row ? { ...row } : null);
  }

  claimDue(now: Date, leaseUntil: Date, limit: number): Promise<Payment[]> {
    const due = [...this.rows.values()]
      .filter((row) => row.settleAt !== null && row.settleAt <= now)
      .sort((a, b) => Number(a.settleAt) - Number(b.settleAt))
      .slice(0, limit);
    for (const row of due) row.settleAt = leaseUntil;
    return Promise.resolve(due.map((row) => ({ ...row })));
  }

  postpone(id: string, settleAt: Date, counted: boolean): Promise<void> {
    const row = this.byId(id);
    if (row?.settleAt) {
      Object.assign(row, { settleAt, settleAttempts: row.settleAttempts + (counted ? 1 : 0) });
    }
    return Promise.resolve();
  }

  private byId(id: string): Payment | undefined {
    return [...this.rows.values()].find((row) => row.id === id);
  }
}

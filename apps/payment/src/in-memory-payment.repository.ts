import type { Payment } from './payment.entity.js';
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
    for (const row of this.rows.values()) {
      if (row.id === id) Object.assign(row, changes, { updatedAt: new Date() });
    }
    return Promise.resolve();
  }

  findByOrderId(orderId: string): Promise<Payment | null> {
    const row = this.rows.get(orderId);
    return Promise.resolve(row ? { ...row } : null);
  }
}

import { Injectable } from '@nestjs/common';
import { DataSource, In, type EntityManager } from 'typeorm';
import { Payment } from './payment.entity.js';
import { PaymentRepository, type NewPayment, type PaymentChanges } from './payment.repository.js';

/** Payments in PostgreSQL. */
@Injectable()
export class TypeOrmPaymentRepository extends PaymentRepository {
  constructor(private readonly dataSource: DataSource) {
    super();
  }

  /** Insert-first on the unique order id. */
  async insertIfAbsent(payment: NewPayment, manager: EntityManager): Promise<boolean> {
    const inserted = await manager.query<unknown[]>(
      `INSERT INTO payments
         (id, order_id, amount, currency, status, payment_token, charge_replies, settle_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (order_id) DO NOTHING RETURNING id`,
      [
        payment.id,
        payment.orderId,
        payment.amount,
        payment.currency,
        payment.status,
        payment.paymentToken,
        JSON.stringify(payment.chargeReplies),
        payment.settleAt,
      ],
    );
    return inserted.length === 1;
  }

  lockByOrderId(orderId: string, manager: EntityManager): Promise<Payment> {
    return manager.findOneOrFail(Payment, {
      where: { orderId },
      lock: { mode: 'pessimistic_write' },
    });
  }

  async update(id: string, changes: PaymentChanges, manager: EntityManager): Promise<void> {
    await manager.update(Payment, { id }, changes);
  }

  findByOrderId(orderId: string): Promise<Payment | null> {
    return this.dataSource.getRepository(Payment).findOneBy({ orderId });
  }

  async claimDue(now: Date, leaseUntil: Date, limit: number): Promise<Payment[]> {
    // TypeORM answers an UPDATE with [rows, count].
    const [claimed]: [{ id: string }[], number] = await this.dataSource.query(
      `UPDATE payments SET settle_at = $2 WHERE id IN (
         SELECT id FROM payments WHERE settle_at <= $1
         ORDER BY settle_at LIMIT $3 FOR UPDATE SKIP LOCKED)
       RETURNING id`,
      [now, leaseUntil, limit],
    );
    if (claimed.length === 0) return [];
    return this.dataSource.getRepository(Payment).findBy({ id: In(claimed.map((row) => row.id)) });
  }

  async postpone(id: string, settleAt: Date, counted: boolean): Promise<void> {
    await this.dataSource.query(
      `UPDATE payments SET settle_attempts = settle_attempts + $3, settle_at = $2
       WHERE id = $1 AND settle_at IS NOT NULL`,
      [id, settleAt, counted ? 1 : 0],
    );
  }
}

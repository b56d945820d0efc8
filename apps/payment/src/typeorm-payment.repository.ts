import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
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
      `INSERT INTO payments (id, order_id, amount, currency, status)
       VALUES ($1, $2, $3, $4, $5) ON CONFLICT (order_id) DO NOTHING RETURNING id`,
      [payment.id, payment.orderId, payment.amount, payment.currency, payment.status],
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
}

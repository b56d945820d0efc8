import { Injectable } from '@nestjs/common';
import type { Money } from '@app/contracts';
import { DataSource, type EntityManager } from 'typeorm';
import { CreditReservation } from './credit-reservation.entity.js';
import { CreditRepository, type CreditSnapshot, type NewReservation } from './credit.repository.js';
import { Customer } from './customer.entity.js';

/** Credit in PostgreSQL. */
@Injectable()
export class TypeOrmCreditRepository extends CreditRepository {
  constructor(private readonly dataSource: DataSource) {
    super();
  }

  findReservation(orderId: string, manager: EntityManager): Promise<CreditReservation | null> {
    return manager.findOneBy(CreditReservation, { orderId });
  }

  findReservationForUpdate(
    orderId: string,
    manager: EntityManager,
  ): Promise<CreditReservation | null> {
    return manager.findOne(CreditReservation, {
      where: { orderId },
      lock: { mode: 'pessimistic_write' },
    });
  }

  async insertReservation(row: NewReservation, manager: EntityManager): Promise<void> {
    const inserted = await manager.query<unknown[]>(
      `INSERT INTO credit_reservations (id, order_id, customer_id, amount, currency, status)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (order_id) DO NOTHING RETURNING id`,
      [row.id, row.orderId, row.customerId, row.amount, row.currency, row.status],
    );
    if (inserted.length === 0) {
      throw new Error(`another command for order ${row.orderId} committed first; retrying`);
    }
  }

  async markReleased(reservationId: string, manager: EntityManager): Promise<void> {
    await manager.update(CreditReservation, { id: reservationId }, { status: 'RELEASED' });
  }

  /** One conditional UPDATE, which PostgreSQL re-checks after waiting for the row lock. */
  async debit(customerId: string, total: Money, manager: EntityManager): Promise<boolean> {
    const [, debited] = await manager.query<[unknown[], number]>(
      `UPDATE customers SET available_credit = available_credit - $1, updated_at = now()
       WHERE id = $2 AND currency = $3 AND available_credit >= $1`,
      [total.amount, customerId, total.currency],
    );
    return debited > 0;
  }

  async refund(reservation: CreditReservation, manager: EntityManager): Promise<void> {
    await manager.query(
      `UPDATE customers SET available_credit = available_credit + $1, updated_at = now()
       WHERE id = $2`,
      [reservation.amount, reservation.customerId],
    );
  }

  findCustomer(id: string, manager: EntityManager): Promise<Customer | null> {
    return manager.findOneBy(Customer, { id });
  }

  async insertCustomer(customer: Customer): Promise<void> {
    await this.dataSource.manager.save(customer);
  }

  findCredit(customerId: string): Promise<CreditSnapshot | undefined> {
    return this.dataSource.transaction('REPEATABLE READ', async (manager) => {
      const customer = await manager.findOneBy(Customer, { id: customerId });
      if (!customer) return undefined;
      const [{ reserved }] = await manager.query<{ reserved: string }[]>(
        `SELECT coalesce(sum(amount), 0) AS reserved FROM credit_reservations
         WHERE customer_id = $1 AND status = 'RESERVED'`,
        [customerId],
      );
      return { customer, reserved: Number(reserved) };
    });
  }
}

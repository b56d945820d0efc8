import { Injectable } from '@nestjs/common';
import { queryPrepared } from '@app/persistence';
import { DataSource, type EntityManager } from 'typeorm';
import { CreditReservation, type CreditReservationStatus } from './credit-reservation.entity.js';
import {
  CreditRepository,
  type CreditSnapshot,
  type NewReservation,
  type ReservationRequest,
  type ReserveOutcome,
} from './credit.repository.js';
import { Customer } from './customer.entity.js';

/** Credit in PostgreSQL. */
@Injectable()
export class TypeOrmCreditRepository extends CreditRepository {
  constructor(private readonly dataSource: DataSource) {
    super();
  }

  /**
   * One statement: the order's reservation if it has one; otherwise one conditional UPDATE of the
   * customer (which PostgreSQL re-checks after waiting for the row lock) and, if it took the
   * credit, the insert of the reservation. Each part reports, so the outcome is known without
   * reading again. A reservation another command inserted after this statement's snapshot makes
   * the insert do nothing: that outcome throws, and the transaction's rollback undoes the debit.
   */
  async reserve(request: ReservationRequest, manager: EntityManager): Promise<ReserveOutcome> {
    const { id, orderId, customerId, total } = request;
    // Prepared: the command path's one statement; its columns are listed (see queryPrepared).
    const [row] = await queryPrepared<ReserveRow>(
      manager,
      `WITH held AS (
         SELECT id, order_id, customer_id, amount, currency, status, created_at, updated_at
         FROM credit_reservations WHERE order_id = $2::uuid
       ), debited AS (
         UPDATE customers SET available_credit = available_credit - $4::bigint, updated_at = now()
         WHERE id = $3::uuid AND currency = $5::text AND available_credit >= $4::bigint
           AND NOT EXISTS (SELECT FROM held)
         RETURNING id
       ), reserved AS (
         INSERT INTO credit_reservations (id, order_id, customer_id, amount, currency, status)
         SELECT $1::uuid, $2::uuid, $3::uuid, $4::bigint, $5::text, 'RESERVED' FROM debited
         ON CONFLICT (order_id) DO NOTHING
         RETURNING id
       )
       SELECT (SELECT count(*) FROM debited)::int AS debited,
              (SELECT count(*) FROM reserved)::int AS reserved,
              held.*
       FROM (VALUES (1)) AS one LEFT JOIN held ON true`,
      [id, orderId, customerId, total.amount, total.currency],
    );
    if (row.id !== null) return { outcome: 'held', reservation: reservationOf(row.id, row) };
    if (row.reserved === 1) return { outcome: 'reserved' };
    if (row.debited === 1) {
      throw new Error(`another command for order ${orderId} committed first; retrying`);
    }
    return { outcome: 'refused' };
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

  /** One statement: the reservation's UPDATE feeds the customer's. */
  async release(reservation: CreditReservation, manager: EntityManager): Promise<void> {
    await manager.query(
      `WITH released AS (
         UPDATE credit_reservations SET status = 'RELEASED', updated_at = now()
         WHERE id = $1 AND status = 'RESERVED'
         RETURNING customer_id, amount
       )
       UPDATE customers SET available_credit = available_credit + released.amount,
         updated_at = now()
       FROM released WHERE customers.id = released.customer_id`,
      [reservation.id],
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

/** What `reserve` reads: how many rows each part touched, and the order's reservation if held. */
interface ReserveRow {
  debited: number;
  reserved: number;
  id: string | null;
  order_id: string;
  customer_id: string | null;
  amount: string;
  currency: string | null;
  status: CreditReservationStatus;
  created_at: Date;
  updated_at: Date;
}

function reservationOf(id: string, row: ReserveRow): CreditReservation {
  return Object.assign(new CreditReservation(), {
    id,
    orderId: row.order_id,
    customerId: row.customer_id,
    amount: Number(row.amount),
    currency: row.currency,
    status: row.status,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  } satisfies Partial<CreditReservation>);
}

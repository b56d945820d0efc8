import { Injectable } from '@nestjs/common';
import { queryPrepared } from '@app/persistence';
import { DataSource, In, type EntityManager } from 'typeorm';
import { Payment, type PaymentStatus } from './payment.entity.js';
import { PaymentRepository, type NewPayment, type PaymentChanges } from './payment.repository.js';

/** Payments in PostgreSQL. */
@Injectable()
export class TypeOrmPaymentRepository extends PaymentRepository {
  constructor(private readonly dataSource: DataSource) {
    super();
  }

  /** Insert-first on the unique order id. */
  async insertIfAbsent(payment: NewPayment, manager: EntityManager): Promise<boolean> {
    const inserted = await queryPrepared(
      manager,
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

  /**
   * One statement: the row is locked (FOR UPDATE, which re-checks the guard on the newest version
   * after waiting) and read as it was, then updated. An UPDATE's RETURNING would give the row as
   * changed, without the replies it owed.
   */
  async transition(
    orderId: string,
    from: PaymentStatus,
    changes: PaymentChanges,
    manager: EntityManager,
    guard?: { unlessCancelled: boolean },
  ): Promise<Payment | null> {
    const metadata = manager.connection.getMetadata(Payment);
    const parameters: unknown[] = [orderId, from];
    const assignments = Object.entries(changes).map(([property, value]) => {
      const column = metadata.findColumnWithPropertyName(property);
      if (!column) throw new Error(`Payment has no column for ${property}`);
      // node-postgres would send an array as a PostgreSQL array, not as JSON.
      parameters.push(column.type === 'jsonb' ? JSON.stringify(value) : value);
      return `"${column.databaseName}" = $${parameters.length}`;
    });
    const uncancelled = guard?.unlessCancelled
      ? `AND cancelled_at IS NULL AND cancel_replies = '[]'::jsonb`
      : '';
    // Prepared: the settlement's one statement a charge; each call site sends one shape of it.
    const rows = await queryPrepared<PaymentRow>(
      manager,
      `WITH before AS (
         SELECT ${PAYMENT_COLUMNS} FROM payments
         WHERE order_id = $1 AND status = $2 ${uncancelled} FOR UPDATE
       ), changed AS (
         UPDATE payments SET ${assignments.join(', ')}, updated_at = now()
         FROM before WHERE payments.id = before.id
         RETURNING payments.id
       )
       SELECT before.* FROM before JOIN changed ON changed.id = before.id`,
      parameters,
    );
    return rows.length === 0 ? null : paymentOf(rows[0]);
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

/** A payments row as node-postgres reads it: bigint as a string, jsonb parsed. */
type PaymentRow = {
  id: string;
  order_id: string;
  amount: string | null;
  currency: string | null;
  status: PaymentStatus;
  provider_reference: string | null;
  failure_code: Payment['failureCode'];
  failure_reason: string | null;
  payment_token: string | null;
  charge_replies: Payment['chargeReplies'];
  cancelled_at: Date | null;
  cancel_replies: Payment['cancelReplies'];
  refund_replies: Payment['refundReplies'];
  refund_failure: string | null;
  settle_attempts: number;
  settle_at: Date | null;
  created_at: Date;
  updated_at: Date;
};

/**
 * The columns a transition reads, listed: a prepared statement's result must keep its shape when
 * a migration adds a column (see `queryPrepared`).
 */
const PAYMENT_COLUMNS = (
  [
    'id',
    'order_id',
    'amount',
    'currency',
    'status',
    'provider_reference',
    'failure_code',
    'failure_reason',
    'payment_token',
    'charge_replies',
    'cancelled_at',
    'cancel_replies',
    'refund_replies',
    'refund_failure',
    'settle_attempts',
    'settle_at',
    'created_at',
    'updated_at',
  ] satisfies (keyof PaymentRow)[]
).join(', ');

function paymentOf(row: PaymentRow): Payment {
  return Object.assign(new Payment(), {
    id: row.id,
    orderId: row.order_id,
    amount: row.amount === null ? null : Number(row.amount),
    currency: row.currency,
    status: row.status,
    providerReference: row.provider_reference,
    failureCode: row.failure_code,
    failureReason: row.failure_reason,
    paymentToken: row.payment_token,
    chargeReplies: row.charge_replies,
    cancelledAt: row.cancelled_at,
    cancelReplies: row.cancel_replies,
    refundReplies: row.refund_replies,
    refundFailure: row.refund_failure,
    settleAttempts: row.settle_attempts,
    settleAt: row.settle_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  } satisfies Payment);
}

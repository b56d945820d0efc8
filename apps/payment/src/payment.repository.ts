import type { EntityManager } from 'typeorm';
import type { Payment, PaymentStatus } from './payment.entity.js';

export type NewPayment = Pick<
  Payment,
  | 'id'
  | 'orderId'
  | 'amount'
  | 'currency'
  | 'status'
  | 'paymentToken'
  | 'chargeReplies'
  | 'settleAt'
>;

export type PaymentChanges = Partial<
  Pick<
    Payment,
    | 'status'
    | 'providerReference'
    | 'failureCode'
    | 'failureReason'
    | 'paymentToken'
    | 'chargeReplies'
    | 'cancelledAt'
    | 'cancelReplies'
    | 'refundReplies'
    | 'refundFailure'
    | 'settleAt'
  >
>;

/**
 * Where payments are kept: the seam between the handlers and PostgreSQL
 * (`TypeOrmPaymentRepository`; `InMemoryPaymentRepository` in unit tests). Writes take the
 * caller's transaction: a message's, which also holds its inbox row and its reply.
 */
export abstract class PaymentRepository {
  /**
   * Claims the order's one payment row: inserts it unless the order has one (a concurrent claim
   * is waited for); false when it had.
   */
  abstract insertIfAbsent(payment: NewPayment, manager: EntityManager): Promise<boolean>;

  /** The order's payment, which must exist, locked until the transaction ends. */
  abstract lockByOrderId(orderId: string, manager: EntityManager): Promise<Payment>;

  abstract update(id: string, changes: PaymentChanges, manager: EntityManager): Promise<void>;

  /**
   * Applies `changes` to the order's payment only while it is `from` (and, with
   * `unlessCancelled`, it was not cancelled meanwhile), locking it as it does; the payment as it was just
   * before, with the replies it owed, or null when it was not `from` (or is missing). Read it
   * only then, to tell why. A concurrent command on the payment waits, then sees the change.
   */
  abstract transition(
    orderId: string,
    from: PaymentStatus,
    changes: PaymentChanges,
    manager: EntityManager,
    guard?: { unlessCancelled: boolean },
  ): Promise<Payment | null>;

  abstract findByOrderId(orderId: string): Promise<Payment | null>;

  /**
   * Takes up to `limit` payments whose settlement is due (`settleAt` passed) for this instance:
   * each one's `settleAt` moves to `leaseUntil`, so no other instance takes it meanwhile.
   */
  abstract claimDue(now: Date, leaseUntil: Date, limit: number): Promise<Payment[]>;

  /** A settlement failed for now: settles again at `settleAt`, counting the attempt if `counted`. */
  abstract postpone(id: string, settleAt: Date, counted: boolean): Promise<void>;
}

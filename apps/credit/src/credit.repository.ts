import type { Money } from '@app/contracts';
import type { EntityManager } from 'typeorm';
import type { CreditReservation } from './credit-reservation.entity.js';
import type { Customer } from './customer.entity.js';

export type NewReservation = Pick<
  CreditReservation,
  'id' | 'orderId' | 'customerId' | 'amount' | 'currency' | 'status'
>;

/** A customer with the credit its RESERVED reservations hold, as of one moment. */
export interface CreditSnapshot {
  customer: Customer;
  reserved: number;
}

/**
 * Where customers' credit and its reservations are kept: the seam between the handlers and
 * PostgreSQL (`TypeOrmCreditRepository`; `InMemoryCreditRepository` in unit tests). Writes take
 * the caller's transaction: a message's, which also holds its inbox row and its reply.
 */
export abstract class CreditRepository {
  /** The order's reservation (at most one), unlocked. */
  abstract findReservation(
    orderId: string,
    manager: EntityManager,
  ): Promise<CreditReservation | null>;

  /** The order's reservation, locked until the transaction ends. */
  abstract findReservationForUpdate(
    orderId: string,
    manager: EntityManager,
  ): Promise<CreditReservation | null>;

  /**
   * Inserts the order's one reservation. Throws when the order has one already (another command
   * for it committed first): an infrastructure error, so the retry sees the winner.
   */
  abstract insertReservation(reservation: NewReservation, manager: EntityManager): Promise<void>;

  abstract markReleased(reservationId: string, manager: EntityManager): Promise<void>;

  /**
   * Takes `total` from the customer's available credit if it has that much in that currency;
   * false when it has not (or is unknown). Available credit never goes below zero, even under
   * concurrent debits.
   */
  abstract debit(customerId: string, total: Money, manager: EntityManager): Promise<boolean>;

  /** Gives what the reservation holds back to its customer's available credit. */
  abstract refund(reservation: CreditReservation, manager: EntityManager): Promise<void>;

  abstract findCustomer(id: string, manager: EntityManager): Promise<Customer | null>;

  /** Saves a new customer on its own (an HTTP request has no message transaction). */
  abstract insertCustomer(customer: Customer): Promise<void>;

  /** The customer and its reserved credit read in one snapshot, so they add up to the limit. */
  abstract findCredit(customerId: string): Promise<CreditSnapshot | undefined>;
}

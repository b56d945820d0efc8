import type { Money } from '@app/contracts';
import type { EntityManager } from 'typeorm';
import type { CreditReservation } from './credit-reservation.entity.js';
import type { Customer } from './customer.entity.js';

export type NewReservation = Pick<
  CreditReservation,
  'id' | 'orderId' | 'customerId' | 'amount' | 'currency' | 'status'
>;

/** The credit to hold for an order: its total, from its customer. */
export interface ReservationRequest {
  id: string;
  orderId: string;
  customerId: string;
  total: Money;
}

/**
 * What came of a reservation: `reserved` took the credit; `held` found the order's reservation
 * from before (which may be released or fenced) and took nothing; `refused` took nothing, as the
 * customer is unknown or has too little credit in that currency (read it to say which).
 */
export type ReserveOutcome =
  | { outcome: 'reserved' }
  | { outcome: 'held'; reservation: CreditReservation }
  | { outcome: 'refused' };

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
  /**
   * Reserves the order's credit in one step, unless the order has a reservation already: takes
   * the total from the customer's available credit if it has that much in that currency, and
   * holds it as the order's reservation. Available credit never goes below zero, even under
   * concurrent reservations. Throws when another command for the order committed its
   * reservation meanwhile: an infrastructure error, so the retry sees the winner.
   */
  abstract reserve(request: ReservationRequest, manager: EntityManager): Promise<ReserveOutcome>;

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

  /**
   * Marks a RESERVED reservation RELEASED and gives what it holds back to its customer's
   * available credit, together. The caller holds it locked (`findReservationForUpdate`).
   */
  abstract release(reservation: CreditReservation, manager: EntityManager): Promise<void>;

  abstract findCustomer(id: string, manager: EntityManager): Promise<Customer | null>;

  /** Saves a new customer on its own (an HTTP request has no message transaction). */
  abstract insertCustomer(customer: Customer): Promise<void>;

  /** The customer and its reserved credit read in one snapshot, so they add up to the limit. */
  abstract findCredit(customerId: string): Promise<CreditSnapshot | undefined>;
}

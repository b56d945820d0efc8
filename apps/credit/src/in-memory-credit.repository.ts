import { CreditReservation } from './credit-reservation.entity.js';
import type {
  CreditRepository,
  CreditSnapshot,
  NewReservation,
  ReservationRequest,
  ReserveOutcome,
} from './credit.repository.js';
import { Customer } from './customer.entity.js';

/**
 * The credit repository in memory, for unit tests: the same answers as PostgreSQL's, none of its
 * locking (each test runs one command at a time). Rows are copied in and out, as a database would.
 */
export class InMemoryCreditRepository implements CreditRepository {
  readonly customers = new Map<string, Customer>();
  /** By order id: an order has at most one. */
  readonly reservations = new Map<string, CreditReservation>();

  reserve({ id, orderId, customerId, total }: ReservationRequest): Promise<ReserveOutcome> {
    const held = this.reservations.get(orderId);
    if (held) return Promise.resolve({ outcome: 'held', reservation: reservationOf(held) });
    const customer = this.customers.get(customerId);
    if (
      !customer ||
      customer.currency !== total.currency ||
      customer.availableCredit < total.amount
    ) {
      return Promise.resolve({ outcome: 'refused' });
    }
    customer.availableCredit -= total.amount;
    const now = new Date();
    this.reservations.set(
      orderId,
      reservationOf({
        id,
        orderId,
        customerId,
        amount: total.amount,
        currency: total.currency,
        status: 'RESERVED',
        createdAt: now,
        updatedAt: now,
      }),
    );
    return Promise.resolve({ outcome: 'reserved' });
  }

  findReservationForUpdate(orderId: string): Promise<CreditReservation | null> {
    const row = this.reservations.get(orderId);
    return Promise.resolve(row ? reservationOf(row) : null);
  }

  insertReservation(row: NewReservation): Promise<void> {
    if (this.reservations.has(row.orderId)) {
      return Promise.reject(
        new Error(`another command for order ${row.orderId} committed first; retrying`),
      );
    }
    const now = new Date();
    this.reservations.set(row.orderId, reservationOf({ ...row, createdAt: now, updatedAt: now }));
    return Promise.resolve();
  }

  release(reservation: CreditReservation): Promise<void> {
    const row = this.reservations.get(reservation.orderId);
    if (row?.id !== reservation.id || row.status !== 'RESERVED') return Promise.resolve();
    row.status = 'RELEASED';
    const customer = row.customerId && this.customers.get(row.customerId);
    if (customer) customer.availableCredit += row.amount;
    return Promise.resolve();
  }

  findCustomer(id: string): Promise<Customer | null> {
    const row = this.customers.get(id);
    return Promise.resolve(row ? customerOf(row) : null);
  }

  insertCustomer(customer: Customer): Promise<void> {
    const now = new Date();
    this.customers.set(customer.id, customerOf({ ...customer, createdAt: now, updatedAt: now }));
    return Promise.resolve();
  }

  findCredit(customerId: string): Promise<CreditSnapshot | undefined> {
    const customer = this.customers.get(customerId);
    if (!customer) return Promise.resolve(undefined);
    const reserved = [...this.reservations.values()]
      .filter((row) => row.customerId === customerId && row.status === 'RESERVED')
      .reduce((sum, row) => sum + row.amount, 0);
    return Promise.resolve({ customer: customerOf(customer), reserved });
  }
}

function reservationOf(row: Partial<CreditReservation>): CreditReservation {
  return Object.assign(new CreditReservation(), row);
}

function customerOf(row: Partial<Customer>): Customer {
  return Object.assign(new Customer(), row);
}

import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import type { credit, Money } from '@app/contracts';
import { DataSource, type EntityManager } from 'typeorm';
import { CreditReservation } from './credit-reservation.entity.js';
import { Customer } from './customer.entity.js';
import { UnknownCustomerError } from './unknown-customer.error.js';

export interface NewCustomer {
  name: string;
  creditLimit: Money;
}

export interface CustomerView {
  id: string;
  name: string;
  creditLimit: Money;
  availableCredit: Money;
}

export interface CreditView {
  customerId: string;
  creditLimit: Money;
  availableCredit: Money;
  reserved: Money;
}

/**
 * Customers' credit and the reservations held against it. Available credit never goes below zero:
 * every debit is one conditional UPDATE, which PostgreSQL re-checks after waiting for the row lock.
 */
@Injectable()
export class CreditService {
  private readonly logger = new Logger(CreditService.name);

  constructor(private readonly dataSource: DataSource) {}

  async reserve(
    command: credit.ReserveCredit,
    manager: EntityManager,
  ): Promise<credit.CreditReserved> {
    const { orderId, customerId, total } = command;
    const existing = await manager.findOneBy(CreditReservation, { orderId });
    if (existing) return existing.answerRepeatedReserve();

    const [, debited] = await manager.query<[unknown[], number]>(
      `UPDATE customers SET available_credit = available_credit - $1, updated_at = now()
       WHERE id = $2 AND currency = $3 AND available_credit >= $1`,
      [total.amount, customerId, total.currency],
    );
    if (debited === 0) {
      const customer = await manager.findOneBy(Customer, { id: customerId });
      throw customer ? customer.refusalOf(total) : new UnknownCustomerError(customerId);
    }

    const reservationId = randomUUID();
    await this.claimOrder(manager, {
      id: reservationId,
      orderId,
      customerId,
      amount: total.amount,
      currency: total.currency,
      status: 'RESERVED',
    });
    this.logger.log(`Reserved ${total.amount} ${total.currency} of ${customerId} for ${orderId}`);
    return { reservationId, orderId, customerId, amount: total };
  }

  /** Gives the order's credit back; with nothing reserved yet, fences the order instead. */
  async release(
    command: credit.ReleaseCredit,
    manager: EntityManager,
  ): Promise<credit.CreditReleased> {
    const { orderId, reservationId } = command;
    const reservation = await manager.findOne(CreditReservation, {
      where: { orderId },
      lock: { mode: 'pessimistic_write' },
    });
    if (!reservation) {
      await this.claimOrder(manager, {
        id: randomUUID(),
        orderId,
        customerId: null,
        amount: 0,
        currency: null,
        status: 'FENCED',
      });
      this.logger.log(`Fenced ${orderId}: released before any reservation`);
      return { orderId, outcome: 'fenced' };
    }

    reservation.assertReleasedAs(reservationId);
    if (reservation.status === 'RESERVED') {
      await manager.query(
        `UPDATE customers SET available_credit = available_credit + $1, updated_at = now()
         WHERE id = $2`,
        [reservation.amount, reservation.customerId],
      );
      await manager.update(CreditReservation, { id: reservation.id }, { status: 'RELEASED' });
      reservation.status = 'RELEASED';
      this.logger.log(`Released ${reservation.id} of ${orderId}`);
    }
    return reservation.releaseReply();
  }

  async createCustomer({ name, creditLimit }: NewCustomer): Promise<CustomerView> {
    const customer = await this.dataSource.manager.save(
      this.dataSource.manager.create(Customer, {
        id: randomUUID(),
        name,
        creditLimit: creditLimit.amount,
        availableCredit: creditLimit.amount,
        currency: creditLimit.currency,
      }),
    );
    this.logger.log(`Created customer ${customer.id}`);
    return {
      id: customer.id,
      name: customer.name,
      creditLimit: customer.money(customer.creditLimit),
      availableCredit: customer.money(customer.availableCredit),
    };
  }

  /** The customer's credit now, or undefined for an unknown customer. */
  async creditOf(customerId: string): Promise<CreditView | undefined> {
    return this.dataSource.transaction('REPEATABLE READ', async (manager) => {
      // One snapshot, so available + reserved add up to the limit.
      const customer = await manager.findOneBy(Customer, { id: customerId });
      if (!customer) return undefined;
      const [{ reserved }] = await manager.query<{ reserved: string }[]>(
        `SELECT coalesce(sum(amount), 0) AS reserved FROM credit_reservations
         WHERE customer_id = $1 AND status = 'RESERVED'`,
        [customerId],
      );
      return {
        customerId,
        creditLimit: customer.money(customer.creditLimit),
        availableCredit: customer.money(customer.availableCredit),
        reserved: customer.money(Number(reserved)),
      };
    });
  }

  /**
   * Inserts the order's one reservation row. Losing the race to another command for the same
   * order is an infrastructure error: the transaction rolls back and the retry sees the winner.
   */
  private async claimOrder(
    manager: EntityManager,
    row: Pick<
      CreditReservation,
      'id' | 'orderId' | 'customerId' | 'amount' | 'currency' | 'status'
    >,
  ): Promise<void> {
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
}

import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { beforeEach, describe, expect, it } from '@jest/globals';
import type { credit } from '@app/contracts';
import { DomainError } from '@app/messaging';
import type { CreditReservationStatus } from '../credit-reservation.entity.js';
import { aCustomer, creditTestbed, type CreditTestbed } from '../credit.testbed.js';
import { CreditReservedEvent } from '../events/credit.events.js';
import { ReserveCreditCommand, ReserveCreditHandler } from './reserve-credit.handler.js';

describe(ReserveCreditHandler.name, () => {
  let bed: CreditTestbed;
  let customerId: string;

  beforeEach(async () => {
    bed = await creditTestbed([ReserveCreditHandler]);
    const customer = aCustomer({ creditLimit: 1000, availableCredit: 1000 });
    await bed.credit.insertCustomer(customer);
    customerId = customer.id;
  });

  function aReserveCredit(amount = 250, currency = 'EUR'): credit.ReserveCredit {
    return { orderId: randomUUID(), customerId, total: { amount, currency } };
  }

  const reserve = (payload: credit.ReserveCredit) =>
    bed.commandBus.execute(new ReserveCreditCommand(payload, bed.manager));

  const availableCredit = () => bed.credit.customers.get(customerId)?.availableCredit;

  it("holds the total out of the customer's available credit, and says so", async () => {
    const command = aReserveCredit(250);

    const reserved = await reserve(command);
    expect(reserved).toEqual({
      reservationId: expect.any(String),
      orderId: command.orderId,
      customerId,
      amount: { amount: 250, currency: 'EUR' },
    });
    expect(availableCredit()).toBe(750);
    expect(bed.credit.reservations.get(command.orderId)).toMatchObject({
      id: reserved.reservationId,
      status: 'RESERVED',
      amount: 250,
    });
    expect(bed.published).toEqual([
      new CreditReservedEvent(reserved.reservationId, command.orderId, customerId, command.total),
    ]);
  });

  it('answers the same reservation when the order is reserved again, without taking more', async () => {
    const command = aReserveCredit(250);
    const first = await reserve(command);

    await expect(reserve(command)).resolves.toEqual(first);
    expect(availableCredit()).toBe(750);
    expect(bed.published).toHaveLength(1);
  });

  it('reserves the whole available credit, and refuses a cent more', async () => {
    await reserve(aReserveCredit(1000));

    const refusal = reserve(aReserveCredit(1));
    await expect(refusal).rejects.toBeInstanceOf(DomainError);
    await expect(refusal).rejects.toMatchObject({
      code: 'credit.insufficient-credit',
      message: `customer ${customerId} has 0 available, the order needs 1`,
    });
    expect(availableCredit()).toBe(0);
    expect(bed.published).toHaveLength(1);
  });

  it.each([
    ['another currency', () => aReserveCredit(10, 'USD'), 'credit.currency-mismatch'],
    [
      'an unknown customer',
      () => ({ ...aReserveCredit(10), customerId: randomUUID() }),
      'credit.unknown-customer',
    ],
  ])('refuses %s and holds nothing', async (_case, command, code) => {
    const payload = command();
    await expect(reserve(payload)).rejects.toMatchObject({ code });
    expect(availableCredit()).toBe(1000);
    expect(bed.credit.reservations.has(payload.orderId)).toBe(false);
    expect(bed.published).toEqual([]);
  });

  it.each(['RELEASED', 'FENCED'] as const)(
    'refuses an order whose reservation is %s, so a late command never reserves again',
    async (status: CreditReservationStatus) => {
      const command = aReserveCredit(250);
      await bed.credit.insertReservation({
        id: randomUUID(),
        orderId: command.orderId,
        customerId: status === 'FENCED' ? null : customerId,
        amount: status === 'FENCED' ? 0 : 250,
        currency: status === 'FENCED' ? null : 'EUR',
        status,
      });

      await expect(reserve(command)).rejects.toMatchObject({ code: 'credit.reservation-fenced' });
      expect(availableCredit()).toBe(1000);
      expect(bed.published).toEqual([]);
    },
  );

  it('lets losing the race for the order through as an infrastructure error, to be retried', async () => {
    const command = aReserveCredit(250);
    // Another command for the order committed its reservation while this one took the credit.
    const lost = new Error(
      `another command for order ${command.orderId} committed first; retrying`,
    );
    bed.credit.reserve = () => Promise.reject(lost);

    const failure = reserve(command);
    await expect(failure).rejects.toBe(lost);
    await expect(failure).rejects.not.toBeInstanceOf(DomainError);
    expect(bed.published).toEqual([]);
  });
});

import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { beforeEach, describe, expect, it } from '@jest/globals';
import type { credit } from '@app/contracts';
import { DomainError } from '@app/messaging';
import { aCustomer, creditTestbed, type CreditTestbed } from '../credit.testbed.js';
import { CreditFencedEvent, CreditReleasedEvent } from '../events/credit.events.js';
import { ReleaseCreditCommand, ReleaseCreditHandler } from './release-credit.handler.js';

describe(ReleaseCreditHandler.name, () => {
  let bed: CreditTestbed;
  let customerId: string;

  beforeEach(async () => {
    bed = await creditTestbed([ReleaseCreditHandler]);
    const customer = aCustomer({ creditLimit: 1000, availableCredit: 600 });
    await bed.credit.insertCustomer(customer);
    customerId = customer.id;
  });

  /** An order holding 400 of the customer's credit. */
  async function aReservation() {
    const reservation = { id: randomUUID(), orderId: randomUUID() };
    await bed.credit.insertReservation({
      ...reservation,
      customerId,
      amount: 400,
      currency: 'EUR',
      status: 'RESERVED',
    });
    return reservation;
  }

  const release = (payload: credit.ReleaseCredit) =>
    bed.commandBus.execute(new ReleaseCreditCommand(payload, bed.manager));

  const availableCredit = () => bed.credit.customers.get(customerId)?.availableCredit;

  it('gives the credit back and marks the reservation released, and says so', async () => {
    const { id, orderId } = await aReservation();

    await expect(release({ orderId, reservationId: id })).resolves.toEqual({
      orderId,
      reservationId: id,
      outcome: 'released',
    });
    expect(availableCredit()).toBe(1000);
    expect(bed.credit.reservations.get(orderId)?.status).toBe('RELEASED');
    expect(bed.published).toEqual([new CreditReleasedEvent(id, orderId)]);
  });

  it('gives it back once however often it is released, with or without the reservation id', async () => {
    const { id, orderId } = await aReservation();
    const first = await release({ orderId, reservationId: id });

    await expect(release({ orderId, reservationId: id })).resolves.toEqual(first);
    await expect(release({ orderId })).resolves.toEqual(first);
    expect(availableCredit()).toBe(1000);
    expect(bed.published).toHaveLength(1);
  });

  it('fences an order that holds nothing yet, once', async () => {
    const orderId = randomUUID();

    await expect(release({ orderId })).resolves.toEqual({ orderId, outcome: 'fenced' });
    expect(bed.credit.reservations.get(orderId)).toMatchObject({
      status: 'FENCED',
      customerId: null,
      amount: 0,
    });
    expect(bed.published).toEqual([new CreditFencedEvent(orderId)]);

    await expect(release({ orderId, reservationId: randomUUID() })).resolves.toEqual({
      orderId,
      outcome: 'fenced',
    });
    expect(availableCredit()).toBe(600);
    expect(bed.published).toHaveLength(1);
  });

  it('refuses a release that names another reservation of the order, and keeps the credit held', async () => {
    const { orderId } = await aReservation();

    const refusal = release({ orderId, reservationId: randomUUID() });
    await expect(refusal).rejects.toBeInstanceOf(DomainError);
    await expect(refusal).rejects.toMatchObject({ code: 'credit.unknown-reservation' });
    expect(availableCredit()).toBe(600);
    expect(bed.credit.reservations.get(orderId)?.status).toBe('RESERVED');
    expect(bed.published).toEqual([]);
  });
});

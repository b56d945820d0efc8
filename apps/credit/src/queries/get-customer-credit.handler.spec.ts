import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { beforeEach, describe, expect, it } from '@jest/globals';
import type { CreditReservationStatus } from '../credit-reservation.entity.js';
import { aCustomer, creditTestbed, type CreditTestbed } from '../credit.testbed.js';
import { GetCustomerCreditHandler, GetCustomerCreditQuery } from './get-customer-credit.handler.js';

const eur = (amount: number) => ({ amount, currency: 'EUR' });

describe(GetCustomerCreditHandler.name, () => {
  let bed: CreditTestbed;

  beforeEach(async () => {
    bed = await creditTestbed([GetCustomerCreditHandler]);
  });

  async function aReservationOf(
    customerId: string,
    amount: number,
    status: CreditReservationStatus,
  ) {
    await bed.credit.insertReservation({
      id: randomUUID(),
      orderId: randomUUID(),
      customerId,
      amount,
      currency: 'EUR',
      status,
    });
  }

  it('shows the limit, what is available and what only RESERVED reservations hold', async () => {
    const customer = aCustomer({ creditLimit: 1000, availableCredit: 650 });
    const other = aCustomer();
    await bed.credit.insertCustomer(customer);
    await bed.credit.insertCustomer(other);
    await aReservationOf(customer.id, 100, 'RESERVED');
    await aReservationOf(customer.id, 250, 'RESERVED');
    await aReservationOf(customer.id, 400, 'RELEASED');
    await aReservationOf(other.id, 70, 'RESERVED');

    expect(await bed.queryBus.execute(new GetCustomerCreditQuery(customer.id))).toEqual({
      customerId: customer.id,
      creditLimit: eur(1000),
      availableCredit: eur(650),
      reserved: eur(350),
    });
  });

  it('answers undefined for an unknown customer', async () => {
    expect(await bed.queryBus.execute(new GetCustomerCreditQuery(randomUUID()))).toBeUndefined();
  });
});

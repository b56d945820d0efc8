import 'reflect-metadata';
import { beforeEach, describe, expect, it } from '@jest/globals';
import { creditTestbed, type CreditTestbed } from '../credit.testbed.js';
import { CustomerCreatedEvent } from '../events/credit.events.js';
import { CreateCustomerCommand, CreateCustomerHandler } from './create-customer.handler.js';

describe(CreateCustomerHandler.name, () => {
  let bed: CreditTestbed;

  beforeEach(async () => {
    bed = await creditTestbed([CreateCustomerHandler]);
  });

  it('opens an account with all of its limit available, and says so', async () => {
    const creditLimit = { amount: 5000, currency: 'EUR' };

    const created = await bed.commandBus.execute(
      new CreateCustomerCommand({ name: 'Grace', creditLimit }),
    );
    expect(created).toEqual({
      id: expect.any(String),
      name: 'Grace',
      creditLimit,
      availableCredit: creditLimit,
    });
    expect(bed.credit.customers.get(created.id)).toMatchObject({
      name: 'Grace',
      creditLimit: 5000,
      availableCredit: 5000,
      currency: 'EUR',
    });
    expect(bed.published).toEqual([new CustomerCreatedEvent(created.id, creditLimit)]);
  });

  it('gives every customer an id of its own', async () => {
    const request = { name: 'Ada', creditLimit: { amount: 1, currency: 'EUR' } };
    const first = await bed.commandBus.execute(new CreateCustomerCommand(request));
    const second = await bed.commandBus.execute(new CreateCustomerCommand(request));
    expect(second.id).not.toBe(first.id);
    expect(bed.credit.customers.size).toBe(2);
  });
});

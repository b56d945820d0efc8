import { randomUUID } from 'node:crypto';
import type { LoggerService, Type } from '@nestjs/common';
import { CreditRepository } from './credit.repository.js';
import { Customer } from './customer.entity.js';
import { handlerTestbed, type HandlerTestbed } from '../../../test/support/handler-testbed.js';
import { InMemoryCreditRepository } from './in-memory-credit.repository.js';

/** Credit's handlers on the real @nestjs/cqrs buses over the in-memory repository. */
export interface CreditTestbed extends HandlerTestbed {
  credit: InMemoryCreditRepository;
}

/** For unit specs only: boots `handlers` with what they need; logs go to `logger` or nowhere. */
export async function creditTestbed(
  handlers: Type[],
  logger: LoggerService | false = false,
): Promise<CreditTestbed> {
  const credit = new InMemoryCreditRepository();
  const bed = await handlerTestbed(
    [...handlers, { provide: CreditRepository, useValue: credit }],
    logger,
  );
  return { ...bed, credit };
}

/** A customer with credit in EUR, all of its limit available unless told otherwise. */
export function aCustomer(overrides: Partial<Customer> = {}): Customer {
  return Object.assign(new Customer(), {
    id: randomUUID(),
    name: 'Ada',
    creditLimit: 1000,
    availableCredit: 1000,
    currency: 'EUR',
    createdAt: new Date(),
    updatedAt: new Date(),
    ...overrides,
  });
}

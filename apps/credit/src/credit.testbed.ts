import { randomUUID } from 'node:crypto';
import type { LoggerService, Type } from '@nestjs/common';
import { CommandBus, CqrsModule, EventBus, QueryBus, type IEvent } from '@nestjs/cqrs';
import { Test } from '@nestjs/testing';
import { DataSource, type EntityManager } from 'typeorm';
import { CreditRepository } from './credit.repository.js';
import { Customer } from './customer.entity.js';
import { AfterCommitPublisher } from '@app/persistence';
import { InMemoryCreditRepository } from './in-memory-credit.repository.js';

/** Credit's handlers on the real @nestjs/cqrs buses over the in-memory repository: no broker, no database. */
export interface CreditTestbed {
  commandBus: CommandBus;
  queryBus: QueryBus;
  eventBus: EventBus;
  credit: InMemoryCreditRepository;
  /** Every event published on the EventBus, in order. */
  published: IEvent[];
  /** Stands for the message's transaction. It has none, so events are published at once. */
  manager: EntityManager;
}

/** For unit specs only: boots `handlers` with what they need; logs go to `logger` or nowhere. */
export async function creditTestbed(
  handlers: Type[],
  logger: LoggerService | false = false,
): Promise<CreditTestbed> {
  const credit = new InMemoryCreditRepository();
  const moduleRef = await Test.createTestingModule({
    imports: [CqrsModule.forRoot()],
    providers: [
      ...handlers,
      AfterCommitPublisher,
      { provide: CreditRepository, useValue: credit },
      { provide: DataSource, useValue: { subscribers: [] } },
    ],
  }).compile();
  moduleRef.useLogger(logger);
  await moduleRef.init();
  const eventBus = moduleRef.get(EventBus);
  const published: IEvent[] = [];
  eventBus.subscribe((event) => published.push(event));
  return {
    commandBus: moduleRef.get(CommandBus),
    queryBus: moduleRef.get(QueryBus),
    eventBus,
    credit,
    published,
    manager: {} as EntityManager,
  };
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

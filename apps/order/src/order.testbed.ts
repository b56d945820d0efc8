import { randomUUID } from 'node:crypto';
import type { LoggerService, Type } from '@nestjs/common';
import { CommandBus, CqrsModule, EventBus, QueryBus, type IEvent } from '@nestjs/cqrs';
import { Test } from '@nestjs/testing';
import { DataSource, type EntityManager } from 'typeorm';
import { AfterCommitPublisher } from '@app/persistence';
import { InMemoryOrderRepository } from './in-memory-order.repository.js';
import { Order } from './order.entity.js';
import { OrderRepository } from './order.repository.js';

/** Order's handlers on the real @nestjs/cqrs buses over the in-memory repository: no broker, no database. */
export interface OrderTestbed {
  commandBus: CommandBus;
  queryBus: QueryBus;
  eventBus: EventBus;
  orders: InMemoryOrderRepository;
  /** Every event published on the EventBus, in order. */
  published: IEvent[];
  /** Stands for the message's transaction. It has none, so events are published at once. */
  manager: EntityManager;
}

/** For unit specs only: boots `handlers` with what they need; logs go to `logger` or nowhere. */
export async function orderTestbed(
  handlers: Type[],
  logger: LoggerService | false = false,
): Promise<OrderTestbed> {
  const orders = new InMemoryOrderRepository();
  const moduleRef = await Test.createTestingModule({
    imports: [CqrsModule.forRoot()],
    providers: [
      ...handlers,
      AfterCommitPublisher,
      { provide: OrderRepository, useValue: orders },
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
    orders,
    published,
    manager: {} as EntityManager,
  };
}

/** An order as a row, PENDING unless told otherwise. */
export function anOrder(overrides: Partial<Order> = {}): Order {
  return Object.assign(new Order(), {
    id: randomUUID(),
    customerId: randomUUID(),
    totalAmount: 4200,
    totalCurrency: 'EUR',
    status: 'PENDING',
    rejectionReason: null,
    createdAt: new Date(),
    updatedAt: new Date(),
    ...overrides,
  } satisfies Order);
}

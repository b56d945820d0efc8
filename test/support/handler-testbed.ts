import type { LoggerService, Provider } from '@nestjs/common';
import { CommandBus, CqrsModule, EventBus, QueryBus, type IEvent } from '@nestjs/cqrs';
import { Test, type TestingModule } from '@nestjs/testing';
import { AfterCommitPublisher } from '@app/persistence';
import { DataSource, type EntityManager } from 'typeorm';

/** A participant's handlers on the real @nestjs/cqrs buses: no broker, no database. */
export interface HandlerTestbed {
  commandBus: CommandBus;
  queryBus: QueryBus;
  eventBus: EventBus;
  /** Every event published on the EventBus, in order. */
  published: IEvent[];
  /** Stands for the message's transaction. It has none, so events are published at once. */
  manager: EntityManager;
  module: TestingModule;
}

/**
 * For unit specs only: boots `providers` (the handlers under test and their fakes) with the
 * buses and the AfterCommitPublisher; logs go to `logger` or nowhere. `transaction` stands for
 * DataSource.transaction where a provider opens its own.
 */
export async function handlerTestbed(
  providers: Provider[],
  logger: LoggerService | false = false,
): Promise<HandlerTestbed> {
  const manager = {} as EntityManager;
  const module = await Test.createTestingModule({
    imports: [CqrsModule.forRoot()],
    providers: [
      ...providers,
      AfterCommitPublisher,
      {
        provide: DataSource,
        useValue: {
          subscribers: [],
          transaction: <T>(work: (m: EntityManager) => Promise<T>) => work(manager),
        },
      },
    ],
  }).compile();
  module.useLogger(logger);
  await module.init();
  const eventBus = module.get(EventBus);
  const published: IEvent[] = [];
  eventBus.subscribe((event) => published.push(event));
  return {
    commandBus: module.get(CommandBus),
    queryBus: module.get(QueryBus),
    eventBus,
    published,
    manager,
    module,
  };
}

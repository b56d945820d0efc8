import { randomUUID } from 'node:crypto';
import type { LoggerService, Type } from '@nestjs/common';
import { CommandBus, CqrsModule, EventBus, QueryBus, type IEvent } from '@nestjs/cqrs';
import { Test } from '@nestjs/testing';
import { DataSource, type EntityManager } from 'typeorm';
import { AfterCommitPublisher } from '@app/persistence';
import { InMemoryPaymentRepository } from './in-memory-payment.repository.js';
import {
  PAYMENT_PROVIDER,
  type ChargeRequest,
  type ChargeResult,
  type PaymentProvider,
} from './payment-provider.js';
import type { Payment } from './payment.entity.js';
import { PaymentRepository } from './payment.repository.js';

/** The provider's answers, chosen per test, and the calls it got. */
export class FakeProvider implements PaymentProvider {
  answer: ChargeResult | Error = { outcome: 'charged', reference: 'ref-1' };
  readonly charges: ChargeRequest[] = [];
  readonly voids: string[] = [];

  charge(request: ChargeRequest): Promise<ChargeResult> {
    this.charges.push(request);
    return this.answer instanceof Error
      ? Promise.reject(this.answer)
      : Promise.resolve(this.answer);
  }

  void(reference: string): Promise<void> {
    this.voids.push(reference);
    return Promise.resolve();
  }
}

/** Payment's handlers on the real @nestjs/cqrs buses over the in-memory repository: no broker, no database. */
export interface PaymentTestbed {
  commandBus: CommandBus;
  queryBus: QueryBus;
  eventBus: EventBus;
  payments: InMemoryPaymentRepository;
  provider: FakeProvider;
  /** Every event published on the EventBus, in order. */
  published: IEvent[];
  /** Stands for the message's transaction. It has none, so events are published at once. */
  manager: EntityManager;
}

/** For unit specs only: boots `handlers` with what they need; logs go to `logger` or nowhere. */
export async function paymentTestbed(
  handlers: Type[],
  logger: LoggerService | false = false,
): Promise<PaymentTestbed> {
  const payments = new InMemoryPaymentRepository();
  const provider = new FakeProvider();
  const moduleRef = await Test.createTestingModule({
    imports: [CqrsModule.forRoot()],
    providers: [
      ...handlers,
      AfterCommitPublisher,
      { provide: PaymentRepository, useValue: payments },
      { provide: PAYMENT_PROVIDER, useValue: provider },
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
    payments,
    provider,
    published,
    manager: {} as EntityManager,
  };
}

/** A payment as a row: 1250 EUR charged as `ref-1` unless told otherwise. */
export function aPayment(overrides: Partial<Payment> = {}): Payment {
  return {
    id: randomUUID(),
    orderId: randomUUID(),
    amount: 1250,
    currency: 'EUR',
    status: 'CHARGED',
    providerReference: 'ref-1',
    failureCode: null,
    failureReason: null,
    createdAt: new Date(),
    updatedAt: new Date(),
    ...overrides,
  };
}

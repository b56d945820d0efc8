import { randomUUID } from 'node:crypto';
import type { LoggerService, Type } from '@nestjs/common';
import type { CommandDefinition } from '@app/contracts';
import {
  CommandReplies,
  MessageContext,
  type CommandOutcome,
  type DeferredReply,
  type Envelope,
} from '@app/messaging';
import { handlerTestbed, type HandlerTestbed } from '../../../test/support/handler-testbed.js';
import { SettlePaymentHandler } from './events/settle-payment.handler.js';
import { InMemoryPaymentRepository } from './in-memory-payment.repository.js';
import {
  PAYMENT_PROVIDER,
  type ChargeRequest,
  type ChargeResult,
  type PaymentProvider,
  type RefundRequest,
  type RefundResult,
} from './payment-provider.js';
import {
  PAYMENT_SETTLEMENT_OPTIONS,
  PaymentSettlement,
  type PaymentSettlementOptions,
} from './payment-settlement.js';
import type { Payment } from './payment.entity.js';
import { PaymentRepository } from './payment.repository.js';

/** The provider's answers, chosen per test, and the calls it got. */
export class FakeProvider implements PaymentProvider {
  answer: ChargeResult | Error = { outcome: 'charged', reference: 'ref-1' };
  readonly charges: ChargeRequest[] = [];
  readonly voids: string[] = [];
  refundAnswer: RefundResult | Error = { outcome: 'refunded', reference: 'refund-1' };
  readonly refunds: RefundRequest[] = [];

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

  refund(request: RefundRequest): Promise<RefundResult> {
    this.refunds.push(request);
    return this.refundAnswer instanceof Error
      ? Promise.reject(this.refundAnswer)
      : Promise.resolve(this.refundAnswer);
  }
}

/** A late answer to a command whose handler deferred its reply. */
export interface Answer {
  command: string;
  /** The message id of the command answered. */
  to: string;
  outcome: unknown;
}

/** Records the late answers instead of writing them to an outbox. */
export class RecordingReplies {
  readonly answers: Answer[] = [];

  answer<C extends CommandDefinition>(
    command: C,
    to: DeferredReply,
    outcome: CommandOutcome<C>,
  ): Promise<void> {
    this.answers.push({ command: command.type, to: to.messageId, outcome });
    return Promise.resolve();
  }

  to(context: MessageContext): unknown[] {
    return this.answers
      .filter((answer) => answer.to === context.envelope.messageId)
      .map((answer) => answer.outcome);
  }
}

/** Payment's handlers on the real @nestjs/cqrs buses over the in-memory repository. */
export interface PaymentTestbed extends HandlerTestbed {
  payments: InMemoryPaymentRepository;
  provider: FakeProvider;
  settlement: PaymentSettlement;
  replies: RecordingReplies;
  /** A command's delivery context. Its transaction is none, so events are published at once. */
  context(type?: string): MessageContext;
}

export const SETTLEMENT_OPTIONS: PaymentSettlementOptions = {
  providerTimeoutMs: 1000,
  leaseMs: 60_000,
  intervalMs: 60_000,
};

/** For unit specs only: boots `handlers` with what they need; logs go to `logger` or nowhere. */
export async function paymentTestbed(
  handlers: Type[],
  logger: LoggerService | false = false,
): Promise<PaymentTestbed> {
  const payments = new InMemoryPaymentRepository();
  const provider = new FakeProvider();
  const replies = new RecordingReplies();
  const bed = await handlerTestbed(
    [
      ...handlers,
      SettlePaymentHandler,
      PaymentSettlement,
      { provide: PaymentRepository, useValue: payments },
      { provide: PAYMENT_PROVIDER, useValue: provider },
      { provide: PAYMENT_SETTLEMENT_OPTIONS, useValue: SETTLEMENT_OPTIONS },
      { provide: CommandReplies, useValue: replies },
    ],
    logger,
  );
  return {
    ...bed,
    payments,
    provider,
    settlement: bed.module.get(PaymentSettlement),
    replies,
    context: (type = 'payment.charge-payment') => new MessageContext(anEnvelope(type), bed.manager),
  };
}

function anEnvelope(type: string): Envelope {
  const messageId = randomUUID();
  return {
    messageId,
    type,
    schemaVersion: 1,
    correlationId: messageId,
    traceparent: `00-${'1'.repeat(32)}-${'2'.repeat(16)}-01`,
    occurredAt: new Date().toISOString(),
    replyTo: 'saga-orchestrator.replies',
    payload: {},
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
    paymentToken: null,
    chargeReplies: [],
    cancelledAt: null,
    cancelReplies: [],
    refundReplies: [],
    refundFailure: null,
    settleAttempts: 0,
    settleAt: null,
    createdAt: new Date(),
    updatedAt: new Date(),
    ...overrides,
  };
}

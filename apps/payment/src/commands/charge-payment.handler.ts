import { randomUUID } from 'node:crypto';
import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { Money, payment } from '@app/contracts';
import type { DomainError } from '@app/messaging';
import type { EntityManager } from 'typeorm';
import { CardDeclinedError } from '../card-declined.error.js';
import { AfterCommitPublisher } from '@app/persistence';
import { PaymentChargedEvent, PaymentDeclinedEvent } from '../events/payment.events.js';
import { InsufficientFundsError } from '../insufficient-funds.error.js';
import { PaymentFencedError } from '../payment-fenced.error.js';
import { PAYMENT_PROVIDER, type PaymentProvider } from '../payment-provider.js';
import type { Payment } from '../payment.entity.js';
import { PaymentRepository } from '../payment.repository.js';
import { ProviderFailedError } from '../provider-failed.error.js';

/** Charges an order, in the transaction `manager` belongs to. */
export class ChargePaymentCommand extends Command<payment.PaymentCharged> {
  constructor(
    readonly payload: payment.ChargePayment,
    readonly manager: EntityManager,
  ) {
    super();
  }
}

/**
 * Charges an order at most once. It first claims the order's payment row (insert-first on the
 * unique order id, then `FOR UPDATE`), so a charge and a cancellation of the same order run one
 * after the other and exactly one wins. A charged order is answered alike, a declined one is
 * declined alike without asking the provider again, a cancelled one is refused.
 */
@CommandHandler(ChargePaymentCommand)
export class ChargePaymentHandler implements ICommandHandler<ChargePaymentCommand> {
  constructor(
    private readonly payments: PaymentRepository,
    @Inject(PAYMENT_PROVIDER) private readonly provider: PaymentProvider,
    private readonly events: AfterCommitPublisher,
  ) {}

  async execute({ payload, manager }: ChargePaymentCommand): Promise<payment.PaymentCharged> {
    const { orderId, total } = payload;
    await this.payments.insertIfAbsent(
      {
        id: randomUUID(),
        orderId,
        amount: total.amount,
        currency: total.currency,
        status: 'PENDING',
      },
      manager,
    );
    const existing = await this.payments.lockByOrderId(orderId, manager);
    switch (existing.status) {
      case 'CHARGED':
        return chargedReply(existing);
      case 'DECLINED':
        throw declineOf(existing);
      case 'FENCED':
      case 'VOIDED':
        throw new PaymentFencedError(orderId);
      case 'PENDING':
        break;
    }

    // The row lock is held across the provider call; the key makes a retried call a no-op there.
    const result = await this.provider.charge({
      orderId,
      amount: total.amount,
      currency: total.currency,
      token: payload.paymentToken,
      idempotencyKey: `charge-${orderId}`,
    });
    switch (result.outcome) {
      case 'declined': {
        const failureCode = `payment.${result.code}` as const;
        await this.payments.update(
          existing.id,
          { status: 'DECLINED', failureCode, failureReason: result.reason },
          manager,
        );
        // The decline's error keeps its writes, so this commits with the failure reply.
        this.events.publishAfterCommit(
          manager,
          new PaymentDeclinedEvent(existing.id, orderId, failureCode, result.reason),
        );
        throw declineOf({ ...existing, failureCode, failureReason: result.reason });
      }
      case 'failed':
        throw new ProviderFailedError(result.reason);
      case 'charged':
        break;
    }
    await this.payments.update(
      existing.id,
      { status: 'CHARGED', providerReference: result.reference },
      manager,
    );
    const charged = chargedReply(existing);
    this.events.publishAfterCommit(
      manager,
      new PaymentChargedEvent(existing.id, orderId, charged.amount),
    );
    return charged;
  }
}

/** The failure a DECLINED payment was answered with, for every later charge of the order. */
function declineOf({ id, failureCode, failureReason }: Payment): DomainError {
  if (!failureCode || failureReason === null) throw new Error(`Payment ${id} has no failure`);
  return failureCode === 'payment.insufficient-funds'
    ? new InsufficientFundsError(failureReason)
    : new CardDeclinedError(failureReason);
}

function chargedReply(charged: Payment): payment.PaymentCharged {
  return { paymentId: charged.id, orderId: charged.orderId, amount: moneyOf(charged) };
}

/** Only a FENCED row has no amount (the table's check says so). */
function moneyOf({ id, amount, currency }: Payment): Money {
  if (amount === null || currency === null) throw new Error(`Payment ${id} has no amount`);
  return { amount, currency };
}

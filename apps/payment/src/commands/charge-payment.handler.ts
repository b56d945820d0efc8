import { randomUUID } from 'node:crypto';
import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { payment } from '@app/contracts';
import type { MessageContext } from '@app/messaging';
import { AfterCommitPublisher } from '@app/persistence';
import { PaymentChargeRequestedEvent } from '../events/payment.events.js';
import { PaymentFencedError } from '../payment-fenced.error.js';
import {
  moneyOf,
  PAYMENT_SETTLEMENT_OPTIONS,
  refusalOf,
  type PaymentSettlementOptions,
} from '../payment-settlement.js';
import type { Payment } from '../payment.entity.js';
import { PaymentRepository } from '../payment.repository.js';

/**
 * Charges an order, in the transaction of the message `context` belongs to. Answers now when the
 * order's payment is settled; otherwise undefined: the reply follows once the provider answered.
 */
export class ChargePaymentCommand extends Command<payment.PaymentCharged | undefined> {
  constructor(
    readonly payload: payment.ChargePayment,
    readonly context: MessageContext,
  ) {
    super();
  }
}

/**
 * Records the charge of an order at most once and leaves the provider call to PaymentSettlement,
 * after this transaction commits: claims the order's payment row (insert-first on the unique
 * order id), PENDING with the token and this command's reply address. A settled order is
 * answered alike, a cancelled one is refused, one still PENDING answers this command when it
 * settles.
 */
@CommandHandler(ChargePaymentCommand)
export class ChargePaymentHandler implements ICommandHandler<ChargePaymentCommand> {
  constructor(
    private readonly payments: PaymentRepository,
    private readonly events: AfterCommitPublisher,
    @Inject(PAYMENT_SETTLEMENT_OPTIONS) private readonly settlement: PaymentSettlementOptions,
  ) {}

  async execute({
    payload,
    context,
  }: ChargePaymentCommand): Promise<payment.PaymentCharged | undefined> {
    const { orderId, total, paymentToken } = payload;
    const { manager } = context;
    const paymentId = randomUUID();
    const requested = await this.payments.insertIfAbsent(
      {
        id: paymentId,
        orderId,
        amount: total.amount,
        currency: total.currency,
        status: 'PENDING',
        paymentToken,
        chargeReplies: [context.replyAddress()],
        // This instance settles it right after the commit; the lease keeps others off meanwhile.
        settleAt: new Date(Date.now() + this.settlement.leaseMs),
      },
      manager,
    );
    if (requested) {
      context.deferReply();
      this.events.publishAfterCommit(
        manager,
        new PaymentChargeRequestedEvent(paymentId, orderId, total, paymentToken),
      );
      return undefined;
    }

    const existing = await this.payments.lockByOrderId(orderId, manager);
    switch (existing.status) {
      // REFUNDING and REFUNDED: charged, then refunded when its order was cancelled.
      case 'CHARGED':
      case 'REFUNDING':
      case 'REFUNDED':
        return chargedReply(existing);
      case 'DECLINED':
        throw declineOf(existing);
      case 'FENCED':
      case 'VOIDING':
      case 'VOIDED':
        throw new PaymentFencedError(orderId);
      case 'PENDING':
        // Another command for the order while it settles: answered with the first.
        await this.payments.update(
          existing.id,
          { chargeReplies: [...existing.chargeReplies, context.deferReply()] },
          manager,
        );
        return undefined;
    }
  }
}

/** The failure a DECLINED payment was answered with, for every later charge of the order. */
function declineOf({ id, failureCode, failureReason }: Payment) {
  if (!failureCode || failureReason === null) throw new Error(`Payment ${id} has no failure`);
  return refusalOf(failureCode, failureReason);
}

function chargedReply(charged: Payment): payment.PaymentCharged {
  return { paymentId: charged.id, orderId: charged.orderId, amount: moneyOf(charged) };
}

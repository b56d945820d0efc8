import { randomUUID } from 'node:crypto';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { payment } from '@app/contracts';
import type { MessageContext } from '@app/messaging';
import { AfterCommitPublisher } from '@app/persistence';
import { PaymentFencedEvent } from '../events/payment.events.js';
import { PaymentSettlement } from '../payment-settlement.js';
import { PaymentRepository } from '../payment.repository.js';

/**
 * Cancels an order's payment, in the transaction of the message `context` belongs to. Answers
 * now when nothing is left to undo; otherwise undefined: the reply follows the provider's void.
 */
export class CancelPaymentCommand extends Command<payment.PaymentCancelled | undefined> {
  constructor(
    readonly payload: payment.CancelPayment,
    readonly context: MessageContext,
  ) {
    super();
  }
}

/**
 * Cancels safely whatever happened before: fences an order never charged, so a late charge is
 * refused; records a charged one VOIDING, for PaymentSettlement to void after the commit; and
 * waits for the outcome of a charge still PENDING (voided if it charged). Claims the order's
 * row first, like a charge, so the two never overlap.
 */
@CommandHandler(CancelPaymentCommand)
export class CancelPaymentHandler implements ICommandHandler<CancelPaymentCommand> {
  constructor(
    private readonly payments: PaymentRepository,
    private readonly events: AfterCommitPublisher,
    private readonly settlement: PaymentSettlement,
  ) {}

  async execute({
    payload,
    context,
  }: CancelPaymentCommand): Promise<payment.PaymentCancelled | undefined> {
    const { orderId } = payload;
    const { manager } = context;
    const fenced = await this.payments.insertIfAbsent(
      {
        id: randomUUID(),
        orderId,
        amount: null,
        currency: null,
        status: 'FENCED',
        paymentToken: null,
        chargeReplies: [],
        settleAt: null,
      },
      manager,
    );
    const existing = await this.payments.lockByOrderId(orderId, manager);
    switch (existing.status) {
      // Declined for good: nothing was charged, and a repeated charge is declined again.
      case 'DECLINED':
        return { orderId, paymentId: existing.id, outcome: 'fenced' };
      case 'FENCED':
        if (fenced) {
          this.events.publishAfterCommit(manager, new PaymentFencedEvent(existing.id, orderId));
        }
        return { orderId, paymentId: existing.id, outcome: 'fenced' };
      // REFUNDING and REFUNDED: undone by a refund (the order was cancelled after approval).
      case 'VOIDED':
      case 'REFUNDING':
      case 'REFUNDED':
        return { orderId, paymentId: existing.id, outcome: 'voided' };
      case 'PENDING':
      case 'VOIDING':
        // Answered when the charge's outcome is known, or once the void is done.
        await this.payments.update(
          existing.id,
          { cancelReplies: [...existing.cancelReplies, context.deferReply()] },
          manager,
        );
        return undefined;
      case 'CHARGED':
        return this.settlement.requestVoid(existing, context);
    }
  }
}

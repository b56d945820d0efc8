import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { payment } from '@app/contracts';
import type { MessageContext } from '@app/messaging';
import { PaymentNotChargedError } from '../payment-not-charged.error.js';
import { moneyOf, PaymentSettlement } from '../payment-settlement.js';
import { PaymentRepository } from '../payment.repository.js';
import { RefundRefusedError } from '../refund-refused.error.js';

/**
 * Refunds an order's charge, in the transaction of the message `context` belongs to. Answers now
 * when the refund is settled; otherwise undefined: the reply follows the provider's answer.
 */
export class RefundPaymentCommand extends Command<payment.PaymentRefunded | undefined> {
  constructor(
    readonly payload: payment.RefundPayment,
    readonly context: MessageContext,
  ) {
    super();
  }
}

/**
 * Records the refund's intent (REFUNDING, with this command's reply address) and leaves the
 * provider call to PaymentSettlement, after this transaction commits, like a charge. A refunded
 * payment is answered alike, a refund still under way answers this command too when it settles,
 * and a refund the provider refused is refused again: the refusal was for good.
 */
@CommandHandler(RefundPaymentCommand)
export class RefundPaymentHandler implements ICommandHandler<RefundPaymentCommand> {
  constructor(
    private readonly payments: PaymentRepository,
    private readonly settlement: PaymentSettlement,
  ) {}

  async execute({
    payload,
    context,
  }: RefundPaymentCommand): Promise<payment.PaymentRefunded | undefined> {
    const { orderId } = payload;
    const { manager } = context;
    // Payments are never deleted: one seen here is there to lock.
    if (!(await this.payments.findByOrderId(orderId))) {
      throw new PaymentNotChargedError(orderId, 'absent');
    }
    const existing = await this.payments.lockByOrderId(orderId, manager);
    switch (existing.status) {
      case 'REFUNDED':
        return { orderId, paymentId: existing.id, amount: moneyOf(existing) };
      case 'REFUNDING':
        await this.payments.update(
          existing.id,
          { refundReplies: [...existing.refundReplies, context.deferReply()] },
          manager,
        );
        return undefined;
      case 'CHARGED':
        if (existing.refundFailure !== null) {
          throw new RefundRefusedError(orderId, existing.refundFailure);
        }
        return this.settlement.requestRefund(existing, context);
      default:
        throw new PaymentNotChargedError(orderId, existing.status);
    }
  }
}

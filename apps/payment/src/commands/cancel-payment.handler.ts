import { randomUUID } from 'node:crypto';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { payment } from '@app/contracts';
import type { MessageContext } from '@app/messaging';
import { AfterCommitPublisher } from '@app/persistence';
import { PaymentFencedEvent } from '../events/payment.events.js';
import { PaymentSettlement } from '../payment-settlement.js';
import { PaymentRepository } from '../payment.repository.js';

/**
 * Cancels an order's payment, in the transaction of the message `context` belongs to, and
 * answers at once: what is left to undo with the provider is payment's to finish.
 */
export class CancelPaymentCommand extends Command<payment.PaymentCancelled> {
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
 * marks a charge still PENDING cancelled, so its outcome is voided if it charged. Claims the
 * order's row first, like a charge, so the two never overlap.
 *
 * The answer never waits for the provider: a void is owed durably from this commit and retried
 * until the provider does it, while a saga's compensation has only so many attempts (a slow
 * provider used to outlast them and leave the saga FAILED).
 */
@CommandHandler(CancelPaymentCommand)
export class CancelPaymentHandler implements ICommandHandler<CancelPaymentCommand> {
  constructor(
    private readonly payments: PaymentRepository,
    private readonly events: AfterCommitPublisher,
    private readonly settlement: PaymentSettlement,
  ) {}

  async execute({ payload, context }: CancelPaymentCommand): Promise<payment.PaymentCancelled> {
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
        if (existing.cancelledAt === null) {
          await this.payments.update(existing.id, { cancelledAt: new Date() }, manager);
        }
        return { orderId, paymentId: existing.id, outcome: 'voiding' };
      case 'VOIDING':
        return { orderId, paymentId: existing.id, outcome: 'voiding' };
      case 'CHARGED':
        await this.settlement.requestVoid(existing, manager);
        return { orderId, paymentId: existing.id, outcome: 'voiding' };
    }
  }
}

import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { payment } from '@app/contracts';
import { FraudSuspectedError } from '../fraud-suspected.error.js';

/** Card tokens known to be used fraudulently (the simulator's test token among them). */
export const SUSPECT_TOKENS: ReadonlySet<string> = new Set(['tok_fraud']);

/** Screens a payment before its charge. */
export class ScreenPaymentCommand extends Command<payment.PaymentScreened> {
  constructor(readonly payload: payment.ScreenPayment) {
    super();
  }
}

/**
 * Clears a payment unless its card token is on the deny list. It reads and records nothing, so
 * asking again answers alike and there is nothing to undo.
 */
@CommandHandler(ScreenPaymentCommand)
export class ScreenPaymentHandler implements ICommandHandler<ScreenPaymentCommand> {
  execute({ payload }: ScreenPaymentCommand): Promise<payment.PaymentScreened> {
    const { orderId, paymentToken } = payload;
    if (SUSPECT_TOKENS.has(paymentToken)) {
      return Promise.reject(new FraudSuspectedError(orderId, 'the card is on the deny list'));
    }
    return Promise.resolve({ orderId });
  }
}

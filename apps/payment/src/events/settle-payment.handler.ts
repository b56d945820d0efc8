import { EventsHandler, type IEventHandler } from '@nestjs/cqrs';
import { PaymentSettlement } from '../payment-settlement.js';
import { PaymentChargeRequestedEvent, PaymentVoidRequestedEvent } from './payment.events.js';

/** Asks the provider as soon as the charge or the cancel that needs it has committed. */
@EventsHandler(PaymentChargeRequestedEvent, PaymentVoidRequestedEvent)
export class SettlePaymentHandler implements IEventHandler<
  PaymentChargeRequestedEvent | PaymentVoidRequestedEvent
> {
  constructor(private readonly settlement: PaymentSettlement) {}

  handle({ orderId }: PaymentChargeRequestedEvent | PaymentVoidRequestedEvent): void {
    // Settling never throws: a failure postpones the payment for the timer.
    void this.settlement.settleNow(orderId);
  }
}

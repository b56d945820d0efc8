import { EventsHandler, type IEventHandler } from '@nestjs/cqrs';
import { PaymentSettlement } from '../payment-settlement.js';
import {
  PaymentChargeRequestedEvent,
  PaymentRefundRequestedEvent,
  PaymentVoidRequestedEvent,
} from './payment.events.js';

type SettlementRequest =
  PaymentChargeRequestedEvent | PaymentVoidRequestedEvent | PaymentRefundRequestedEvent;

/** Asks the provider as soon as the charge, cancel or refund that needs it has committed. */
@EventsHandler(PaymentChargeRequestedEvent, PaymentVoidRequestedEvent, PaymentRefundRequestedEvent)
export class SettlePaymentHandler implements IEventHandler<SettlementRequest> {
  constructor(private readonly settlement: PaymentSettlement) {}

  handle(request: SettlementRequest): void {
    // Settling never throws: a failure postpones the payment for the timer.
    if (request instanceof PaymentChargeRequestedEvent) void this.settlement.chargeNow(request);
    else void this.settlement.settleNow(request.orderId);
  }
}

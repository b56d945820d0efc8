import { Logger } from '@nestjs/common';
import { EventsHandler, type IEventHandler } from '@nestjs/cqrs';
import {
  PaymentChargedEvent,
  PaymentDeclinedEvent,
  PaymentFencedEvent,
  PaymentRefundedEvent,
  PaymentRefundRefusedEvent,
  PaymentVoidedEvent,
  type PaymentEvent,
} from './payment.events.js';

/** One structured log line per committed change of a payment. */
@EventsHandler(
  PaymentChargedEvent,
  PaymentDeclinedEvent,
  PaymentVoidedEvent,
  PaymentFencedEvent,
  PaymentRefundedEvent,
  PaymentRefundRefusedEvent,
)
export class LogPaymentEventsHandler implements IEventHandler<PaymentEvent> {
  private readonly logger = new Logger(LogPaymentEventsHandler.name);

  handle(event: PaymentEvent): void {
    this.logger.log({ msg: messageOf(event), event: event.constructor.name, ...event });
  }
}

function messageOf(event: PaymentEvent): string {
  if (event instanceof PaymentChargedEvent) {
    return `Charged order ${event.orderId}: payment ${event.paymentId}`;
  }
  if (event instanceof PaymentDeclinedEvent) {
    return `Declined order ${event.orderId}: ${event.code} (${event.reason})`;
  }
  if (event instanceof PaymentRefundedEvent) {
    return `Refunded order ${event.orderId}: payment ${event.paymentId}`;
  }
  if (event instanceof PaymentRefundRefusedEvent) {
    return `Refund of order ${event.orderId} refused: ${event.reason}; the charge stands`;
  }
  if (event instanceof PaymentVoidedEvent) {
    return `Voided order ${event.orderId}: payment ${event.paymentId}`;
  }
  return `Fenced order ${event.orderId}: a late charge will be refused`;
}

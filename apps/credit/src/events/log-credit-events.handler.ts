import { Logger } from '@nestjs/common';
import { EventsHandler, type IEventHandler } from '@nestjs/cqrs';
import {
  CreditFencedEvent,
  CreditReleasedEvent,
  CreditReservedEvent,
  CustomerCreatedEvent,
  type CreditEvent,
} from './credit.events.js';

/** One structured log line per committed change of customers' credit. */
@EventsHandler(CustomerCreatedEvent, CreditReservedEvent, CreditReleasedEvent, CreditFencedEvent)
export class LogCreditEventsHandler implements IEventHandler<CreditEvent> {
  private readonly logger = new Logger(LogCreditEventsHandler.name);

  handle(event: CreditEvent): void {
    this.logger.log({ msg: messageOf(event), event: event.constructor.name, ...event });
  }
}

function messageOf(event: CreditEvent): string {
  if (event instanceof CustomerCreatedEvent) return `Created customer ${event.customerId}`;
  if (event instanceof CreditReservedEvent) {
    const { amount, currency } = event.amount;
    return `Reserved ${amount} ${currency} of ${event.customerId} for ${event.orderId}`;
  }
  if (event instanceof CreditReleasedEvent) {
    return `Released ${event.reservationId} of ${event.orderId}`;
  }
  return `Fenced ${event.orderId}: released before any reservation`;
}

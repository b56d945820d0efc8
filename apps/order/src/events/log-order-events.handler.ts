import { Logger } from '@nestjs/common';
import { EventsHandler, type IEventHandler } from '@nestjs/cqrs';
import {
  OrderApprovedEvent,
  OrderCancellationAbortedEvent,
  OrderCancellationBegunEvent,
  OrderCancelledEvent,
  OrderCreatedEvent,
  OrderRejectedEvent,
  type OrderEvent,
} from './order.events.js';

/** One structured log line per committed state transition of an order. */
@EventsHandler(
  OrderCreatedEvent,
  OrderApprovedEvent,
  OrderRejectedEvent,
  OrderCancellationBegunEvent,
  OrderCancellationAbortedEvent,
  OrderCancelledEvent,
)
export class LogOrderEventsHandler implements IEventHandler<OrderEvent> {
  private readonly logger = new Logger(LogOrderEventsHandler.name);

  handle(event: OrderEvent): void {
    this.logger.log({ msg: messageOf(event), event: event.constructor.name, ...event });
  }
}

function messageOf(event: OrderEvent): string {
  if (event instanceof OrderCreatedEvent) return `Order ${event.orderId} created, PENDING`;
  if (event instanceof OrderApprovedEvent) return `Order ${event.orderId} APPROVED`;
  if (event instanceof OrderCancellationBegunEvent) return `Order ${event.orderId} CANCELLING`;
  if (event instanceof OrderCancellationAbortedEvent) {
    return `Order ${event.orderId} APPROVED again, not cancelled: ${event.reason}`;
  }
  if (event instanceof OrderCancelledEvent) return `Order ${event.orderId} CANCELLED`;
  return event.beforeCreation
    ? `Order ${event.orderId} REJECTED before it was created; a late create is refused`
    : `Order ${event.orderId} REJECTED: ${event.reason}`;
}

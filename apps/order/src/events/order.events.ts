import type { Money } from '@app/contracts';

/**
 * What happened to an order, published on the EventBus once it is committed. Only changes are
 * events: a repeated command that changes nothing publishes none.
 */

export class OrderCreatedEvent {
  constructor(
    readonly orderId: string,
    readonly customerId: string,
    readonly total: Money,
  ) {}
}

export class OrderApprovedEvent {
  constructor(readonly orderId: string) {}
}

export class OrderRejectedEvent {
  constructor(
    readonly orderId: string,
    readonly reason: string,
    /** Rejected before its create arrived: the order is a fence, and a late create is refused. */
    readonly beforeCreation: boolean,
  ) {}
}

export class OrderCancellationBegunEvent {
  constructor(
    readonly orderId: string,
    readonly cancellationId: string,
  ) {}
}

export class OrderCancellationAbortedEvent {
  constructor(
    readonly orderId: string,
    readonly reason: string,
  ) {}
}

export class OrderCancelledEvent {
  constructor(readonly orderId: string) {}
}

export type OrderEvent =
  | OrderCreatedEvent
  | OrderApprovedEvent
  | OrderRejectedEvent
  | OrderCancellationBegunEvent
  | OrderCancellationAbortedEvent
  | OrderCancelledEvent;

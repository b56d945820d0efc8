import type { Money } from '@app/contracts';

/**
 * What happened to customers' credit, published on the EventBus once it is committed. Only
 * changes are events: a repeated command that changes nothing publishes none.
 */

export class CustomerCreatedEvent {
  constructor(
    readonly customerId: string,
    readonly creditLimit: Money,
  ) {}
}

export class CreditReservedEvent {
  constructor(
    readonly reservationId: string,
    readonly orderId: string,
    readonly customerId: string,
    readonly amount: Money,
  ) {}
}

export class CreditReleasedEvent {
  constructor(
    readonly reservationId: string,
    readonly orderId: string,
  ) {}
}

/** Released before anything was reserved: a late reservation for the order will be refused. */
export class CreditFencedEvent {
  constructor(readonly orderId: string) {}
}

export type CreditEvent =
  CustomerCreatedEvent | CreditReservedEvent | CreditReleasedEvent | CreditFencedEvent;

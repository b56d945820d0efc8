import type { Money } from '@app/contracts';
import type { DeclineCode } from '../payment.entity.js';

/**
 * What happened to an order's payment, published on the EventBus once it is committed. Only
 * changes are events: a repeated command that changes nothing publishes none.
 */

/**
 * Recorded PENDING: the provider is asked once the transaction commits, for what is recorded
 * here (so it needs not be read back). Never logged whole: it carries the card token.
 */
export class PaymentChargeRequestedEvent {
  constructor(
    readonly paymentId: string,
    readonly orderId: string,
    readonly amount: Money,
    readonly paymentToken: string,
  ) {}
}

/** A charged payment was cancelled: recorded VOIDING, the provider voids it next. */
export class PaymentVoidRequestedEvent {
  constructor(
    readonly paymentId: string,
    readonly orderId: string,
  ) {}
}

/** A charged order was cancelled: recorded REFUNDING, the provider refunds it next. */
export class PaymentRefundRequestedEvent {
  constructor(
    readonly paymentId: string,
    readonly orderId: string,
  ) {}
}

export class PaymentRefundedEvent {
  constructor(
    readonly paymentId: string,
    readonly orderId: string,
    readonly amount: Money,
  ) {}
}

/** The provider refused the refund for good: the payment is CHARGED again. */
export class PaymentRefundRefusedEvent {
  constructor(
    readonly paymentId: string,
    readonly orderId: string,
    readonly reason: string,
  ) {}
}

export class PaymentChargedEvent {
  constructor(
    readonly paymentId: string,
    readonly orderId: string,
    readonly amount: Money,
  ) {}
}

/** Refused by the provider for good; recorded, so a repeated charge is declined alike. */
export class PaymentDeclinedEvent {
  constructor(
    readonly paymentId: string,
    readonly orderId: string,
    readonly code: DeclineCode,
    readonly reason: string,
  ) {}
}

export class PaymentVoidedEvent {
  constructor(
    readonly paymentId: string,
    readonly orderId: string,
  ) {}
}

/** Cancelled before any charge: a late charge for the order will be refused. */
export class PaymentFencedEvent {
  constructor(
    readonly paymentId: string,
    readonly orderId: string,
  ) {}
}

/** A payment's settled changes, which LogPaymentEventsHandler logs. */
export type PaymentEvent =
  | PaymentChargedEvent
  | PaymentDeclinedEvent
  | PaymentVoidedEvent
  | PaymentFencedEvent
  | PaymentRefundedEvent
  | PaymentRefundRefusedEvent;

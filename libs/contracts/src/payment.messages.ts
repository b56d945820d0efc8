import { z } from 'zod';
import { defineCommand, defineFailure, defineReply, type PayloadOf } from './message-definition.js';
import { Money } from './money.js';

/** Messages of the payment service. Charging is the saga's pivot. */

export const PaymentCharged = defineReply(
  'payment.payment-charged',
  z.object({ paymentId: z.uuid(), orderId: z.uuid(), amount: Money }),
);
export type PaymentCharged = PayloadOf<typeof PaymentCharged>;

export const PaymentChargeFailed = defineFailure('payment.payment-charge-failed', [
  'payment.card-declined',
  'payment.insufficient-funds',
  'payment.provider-error',
  /** The charge was cancelled before it arrived, so it is refused rather than executed. */
  'payment.fenced',
]);
export type PaymentChargeFailed = PayloadOf<typeof PaymentChargeFailed>;

export const ChargePayment = defineCommand(
  'payment.charge-payment',
  z.object({
    orderId: z.uuid(),
    customerId: z.uuid(),
    total: Money,
    paymentToken: z.string().min(1),
  }),
  { reply: PaymentCharged, failure: PaymentChargeFailed },
);
export type ChargePayment = PayloadOf<typeof ChargePayment>;

export const PaymentCancelled = defineReply(
  'payment.payment-cancelled',
  z.object({
    orderId: z.uuid(),
    paymentId: z.uuid().optional(),
    /**
     * `voided`: a charge happened and was undone; `fenced`: none happened and none will;
     * `voiding`: payment owes the undo of a charge made or still possible, and settles it with
     * the provider however long that takes: nothing will be kept.
     */
    outcome: z.enum(['voided', 'fenced', 'voiding']),
  }),
);
export type PaymentCancelled = PayloadOf<typeof PaymentCancelled>;

export const PaymentCancellationFailed = defineFailure('payment.payment-cancellation-failed', [
  'payment.provider-error',
]);
export type PaymentCancellationFailed = PayloadOf<typeof PaymentCancellationFailed>;

/** Sent when a charge's outcome is unknown: voids a charge that happened, fences one that has not. */
export const CancelPayment = defineCommand(
  'payment.cancel-payment',
  z.object({ orderId: z.uuid() }),
  { reply: PaymentCancelled, failure: PaymentCancellationFailed },
);
export type CancelPayment = PayloadOf<typeof CancelPayment>;

export const PaymentRefunded = defineReply(
  'payment.payment-refunded',
  z.object({ orderId: z.uuid(), paymentId: z.uuid(), amount: Money }),
);
export type PaymentRefunded = PayloadOf<typeof PaymentRefunded>;

export const PaymentRefundFailed = defineFailure('payment.payment-refund-failed', [
  /** No charge to refund: none was made, or it was voided. */
  'payment.not-charged',
  /** The provider refused the refund for good; the charge stands. */
  'payment.refund-refused',
]);
export type PaymentRefundFailed = PayloadOf<typeof PaymentRefundFailed>;

/** Refunds the order's charge in full, once however often it is asked. */
export const RefundPayment = defineCommand(
  'payment.refund-payment',
  z.object({ orderId: z.uuid() }),
  { reply: PaymentRefunded, failure: PaymentRefundFailed },
);
export type RefundPayment = PayloadOf<typeof RefundPayment>;

export const PaymentScreened = defineReply(
  'payment.payment-screened',
  z.object({ orderId: z.uuid() }),
);
export type PaymentScreened = PayloadOf<typeof PaymentScreened>;

export const PaymentScreeningFailed = defineFailure('payment.payment-screening-failed', [
  'payment.fraud-suspected',
]);
export type PaymentScreeningFailed = PayloadOf<typeof PaymentScreeningFailed>;

/** Screens a payment for fraud before it is charged. It records nothing: there is nothing to undo. */
export const ScreenPayment = defineCommand(
  'payment.screen-payment',
  z.object({
    orderId: z.uuid(),
    customerId: z.uuid(),
    total: Money,
    paymentToken: z.string().min(1),
  }),
  { reply: PaymentScreened, failure: PaymentScreeningFailed },
);
export type ScreenPayment = PayloadOf<typeof ScreenPayment>;

import { z } from 'zod';
import { defineCommand, defineFailure, defineReply, type PayloadOf } from './message-definition.js';
import { Money } from './money.js';

/** Messages of the credit service: reserving part of a customer's credit for an order. */

export const CreditReserved = defineReply(
  'credit.credit-reserved',
  z.object({ reservationId: z.uuid(), orderId: z.uuid(), customerId: z.uuid(), amount: Money }),
);
export type CreditReserved = PayloadOf<typeof CreditReserved>;

export const CreditReservationFailed = defineFailure('credit.credit-reservation-failed', [
  'credit.insufficient-credit',
  'credit.unknown-customer',
  'credit.currency-mismatch',
  /** The order's credit was released (or fenced) before this reservation arrived: it is refused. */
  'credit.reservation-fenced',
]);
export type CreditReservationFailed = PayloadOf<typeof CreditReservationFailed>;

export const ReserveCredit = defineCommand(
  'credit.reserve-credit',
  z.object({ orderId: z.uuid(), customerId: z.uuid(), total: Money }),
  { reply: CreditReserved, failure: CreditReservationFailed },
);
export type ReserveCredit = PayloadOf<typeof ReserveCredit>;

export const CreditReleased = defineReply(
  'credit.credit-released',
  z.object({
    orderId: z.uuid(),
    reservationId: z.uuid().optional(),
    /** `fenced`: nothing was reserved, and a late reservation for the order will be refused. */
    outcome: z.enum(['released', 'fenced']),
  }),
);
export type CreditReleased = PayloadOf<typeof CreditReleased>;

export const CreditReleaseFailed = defineFailure('credit.credit-release-failed', [
  'credit.unknown-reservation',
]);
export type CreditReleaseFailed = PayloadOf<typeof CreditReleaseFailed>;

/** Releases the order's reservation; `reservationId` is known unless the reservation timed out. */
export const ReleaseCredit = defineCommand(
  'credit.release-credit',
  z.object({ orderId: z.uuid(), reservationId: z.uuid().optional() }),
  { reply: CreditReleased, failure: CreditReleaseFailed },
);
export type ReleaseCredit = PayloadOf<typeof ReleaseCredit>;

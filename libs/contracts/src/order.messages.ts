import { z } from 'zod';
import { defineCommand, defineFailure, defineReply, type PayloadOf } from './message-definition.js';
import { Money } from './money.js';

/** Messages of the order service. A pending order is a semantic lock until approved or rejected. */

export const OrderCreated = defineReply(
  'order.order-created',
  z.object({ orderId: z.uuid(), status: z.literal('PENDING') }),
);
export type OrderCreated = PayloadOf<typeof OrderCreated>;

export const OrderCreationFailed = defineFailure('order.order-creation-failed', [
  'order.already-exists',
]);
export type OrderCreationFailed = PayloadOf<typeof OrderCreationFailed>;

export const CreatePendingOrder = defineCommand(
  'order.create-pending-order',
  z.object({ orderId: z.uuid(), customerId: z.uuid(), total: Money }),
  { reply: OrderCreated, failure: OrderCreationFailed },
);
export type CreatePendingOrder = PayloadOf<typeof CreatePendingOrder>;

export const OrderApproved = defineReply(
  'order.order-approved',
  z.object({ orderId: z.uuid(), status: z.literal('APPROVED') }),
);
export type OrderApproved = PayloadOf<typeof OrderApproved>;

export const OrderApprovalFailed = defineFailure('order.order-approval-failed', [
  'order.not-found',
  'order.not-pending',
]);
export type OrderApprovalFailed = PayloadOf<typeof OrderApprovalFailed>;

export const ApproveOrder = defineCommand('order.approve-order', z.object({ orderId: z.uuid() }), {
  reply: OrderApproved,
  failure: OrderApprovalFailed,
});
export type ApproveOrder = PayloadOf<typeof ApproveOrder>;

export const OrderRejected = defineReply(
  'order.order-rejected',
  z.object({ orderId: z.uuid(), status: z.literal('REJECTED') }),
);
export type OrderRejected = PayloadOf<typeof OrderRejected>;

export const OrderRejectionFailed = defineFailure('order.order-rejection-failed', [
  'order.not-found',
  'order.not-pending',
]);
export type OrderRejectionFailed = PayloadOf<typeof OrderRejectionFailed>;

export const RejectOrder = defineCommand(
  'order.reject-order',
  z.object({ orderId: z.uuid(), reason: z.string().min(1).optional() }),
  { reply: OrderRejected, failure: OrderRejectionFailed },
);
export type RejectOrder = PayloadOf<typeof RejectOrder>;

/**
 * Cancelling an approved order. `CANCELLING` is a semantic lock like `PENDING`: while it holds,
 * nothing else acts on the order; it ends `CANCELLED`, or back to `APPROVED` with the reason.
 */

export const OrderCancellationBegun = defineReply(
  'order.order-cancellation-begun',
  z.object({ orderId: z.uuid(), status: z.literal('CANCELLING') }),
);
export type OrderCancellationBegun = PayloadOf<typeof OrderCancellationBegun>;

export const OrderCancellationRefused = defineFailure('order.order-cancellation-refused', [
  'order.not-found',
  /** Only an approved order may be cancelled (a pending, rejected or cancelled one may not). */
  'order.not-approved',
  'order.cancel-window-passed',
  /** The cancellation was aborted before this command arrived: it is refused, not executed. */
  'order.cancellation-fenced',
]);
export type OrderCancellationRefused = PayloadOf<typeof OrderCancellationRefused>;

/** Locks an approved order for cancelling, if its customer's cancel window is still open. */
export const BeginOrderCancellation = defineCommand(
  'order.begin-order-cancellation',
  z.object({ orderId: z.uuid(), customerId: z.uuid(), cancellationId: z.uuid() }),
  { reply: OrderCancellationBegun, failure: OrderCancellationRefused },
);
export type BeginOrderCancellation = PayloadOf<typeof BeginOrderCancellation>;

export const OrderCancellationAborted = defineReply(
  'order.order-cancellation-aborted',
  z.object({ orderId: z.uuid(), status: z.enum(['APPROVED', 'PENDING', 'REJECTED', 'CANCELLED']) }),
);
export type OrderCancellationAborted = PayloadOf<typeof OrderCancellationAborted>;

export const OrderCancellationAbortFailed = defineFailure('order.order-cancellation-abort-failed', [
  'order.not-found',
]);
export type OrderCancellationAbortFailed = PayloadOf<typeof OrderCancellationAbortFailed>;

/**
 * Returns a CANCELLING order to APPROVED with the reason. Also sent when the begin timed out: an
 * order it never locked keeps its status, and the late begin is fenced.
 */
export const AbortOrderCancellation = defineCommand(
  'order.abort-order-cancellation',
  z.object({ orderId: z.uuid(), cancellationId: z.uuid(), reason: z.string().min(1) }),
  { reply: OrderCancellationAborted, failure: OrderCancellationAbortFailed },
);
export type AbortOrderCancellation = PayloadOf<typeof AbortOrderCancellation>;

export const OrderCancelled = defineReply(
  'order.order-cancelled',
  z.object({ orderId: z.uuid(), status: z.literal('CANCELLED') }),
);
export type OrderCancelled = PayloadOf<typeof OrderCancelled>;

export const OrderCancellationFailed = defineFailure('order.order-cancellation-failed', [
  'order.not-found',
  'order.not-cancelling',
]);
export type OrderCancellationFailed = PayloadOf<typeof OrderCancellationFailed>;

export const CompleteOrderCancellation = defineCommand(
  'order.complete-order-cancellation',
  z.object({ orderId: z.uuid() }),
  { reply: OrderCancelled, failure: OrderCancellationFailed },
);
export type CompleteOrderCancellation = PayloadOf<typeof CompleteOrderCancellation>;

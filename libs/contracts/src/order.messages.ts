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

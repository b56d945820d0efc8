import type { Money } from '@app/contracts';
import type { Order, OrderStatus } from './order.entity.js';

/** An order as the read API shows it. Customer and total are null for an order rejected before it was created. */
export interface OrderView {
  id: string;
  customerId: string | null;
  total: Money | null;
  status: OrderStatus;
  rejectionReason?: string;
  /** An approved order: until when its customer may cancel it. */
  cancellableUntil?: string;
  /** An approved order whose cancellation failed: why. */
  cancellationFailure?: string;
  createdAt: string;
  updatedAt: string;
}

/** A page of orders, newest first; `nextCursor` asks for the next page, null on the last. */
export interface OrderPageView {
  items: OrderView[];
  nextCursor: string | null;
}

export function orderView(order: Order): OrderView {
  const total =
    order.totalAmount === null || order.totalCurrency === null
      ? null
      : { amount: order.totalAmount, currency: order.totalCurrency };
  return {
    id: order.id,
    customerId: order.customerId,
    total,
    status: order.status,
    ...(order.rejectionReason === null ? {} : { rejectionReason: order.rejectionReason }),
    ...(order.status === 'APPROVED' && order.cancellableUntil
      ? { cancellableUntil: order.cancellableUntil.toISOString() }
      : {}),
    ...(order.cancellationFailure === null
      ? {}
      : { cancellationFailure: order.cancellationFailure }),
    createdAt: order.createdAt.toISOString(),
    updatedAt: order.updatedAt.toISOString(),
  };
}

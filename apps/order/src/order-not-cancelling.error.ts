import { DomainError } from '@app/messaging';
import type { OrderStatus } from './order.entity.js';

/** Only an order locked for cancelling may be marked cancelled. */
export class OrderNotCancellingError extends DomainError {
  constructor(orderId: string, status: OrderStatus) {
    super('order.not-cancelling', `order ${orderId} is ${status}, not CANCELLING`);
  }
}

import { DomainError } from '@app/messaging';
import type { OrderStatus } from './order.entity.js';

/** Only a pending order may be approved or rejected; a decided one stays decided. */
export class OrderNotPendingError extends DomainError {
  constructor(orderId: string, status: OrderStatus) {
    super('order.not-pending', `order ${orderId} is ${status}, not PENDING`);
  }
}

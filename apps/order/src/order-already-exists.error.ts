import { DomainError } from '@app/messaging';

/** A create for an order id that is taken by another order, a decided one, or a fence. */
export class OrderAlreadyExistsError extends DomainError {
  constructor(orderId: string, why: string) {
    super('order.already-exists', `order ${orderId} ${why}`);
  }
}

import { DomainError } from '@app/messaging';

export class OrderNotFoundError extends DomainError {
  constructor(orderId: string) {
    super('order.not-found', `order ${orderId} does not exist`);
  }
}

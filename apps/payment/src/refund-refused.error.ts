import { DomainError } from '@app/messaging';

/** The provider refused to refund the order's charge, for good: the charge stands. */
export class RefundRefusedError extends DomainError {
  constructor(orderId: string, reason: string) {
    super('payment.refund-refused', `the refund of order ${orderId} was refused: ${reason}`);
  }
}

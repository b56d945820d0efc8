import { DomainError } from '@app/messaging';

/** The order's payment was cancelled before this charge arrived: it is refused, never executed. */
export class PaymentFencedError extends DomainError {
  constructor(orderId: string) {
    super(
      'payment.fenced',
      `the payment of order ${orderId} was cancelled; it will not be charged`,
    );
  }
}

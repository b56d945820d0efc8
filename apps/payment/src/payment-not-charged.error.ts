import { DomainError } from '@app/messaging';
import type { PaymentStatus } from './payment.entity.js';

/** Only a charge can be refunded: the order has none (never charged, or voided). */
export class PaymentNotChargedError extends DomainError {
  constructor(orderId: string, status: PaymentStatus | 'absent') {
    super(
      'payment.not-charged',
      status === 'absent'
        ? `order ${orderId} has no payment to refund`
        : `the payment of order ${orderId} is ${status}: there is no charge to refund`,
    );
  }
}

import { DomainError } from '@app/messaging';

/** The payment looks fraudulent: it is not charged. */
export class FraudSuspectedError extends DomainError {
  constructor(orderId: string, reason: string) {
    super('payment.fraud-suspected', `the payment of order ${orderId} was refused: ${reason}`);
  }
}

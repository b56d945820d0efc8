import { DomainError } from '@app/messaging';

/** Recorded on the payment (DECLINED), so its writes commit with the failure reply. */
export class InsufficientFundsError extends DomainError {
  constructor(reason: string) {
    super('payment.insufficient-funds', reason, { keepWrites: true });
  }
}

import { DomainError } from '@app/messaging';

export class InsufficientFundsError extends DomainError {
  constructor(reason: string) {
    super('payment.insufficient-funds', reason);
  }
}

import { DomainError } from '@app/messaging';

export class CardDeclinedError extends DomainError {
  constructor(reason: string) {
    super('payment.card-declined', reason);
  }
}

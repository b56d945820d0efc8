import { DomainError } from '@app/messaging';

/** Recorded on the payment (DECLINED), so its writes commit with the failure reply. */
export class CardDeclinedError extends DomainError {
  constructor(reason: string) {
    super('payment.card-declined', reason, { keepWrites: true });
  }
}

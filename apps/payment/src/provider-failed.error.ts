import { DomainError } from '@app/messaging';

/** The provider refused the charge for good: neither a decline nor worth a retry. */
export class ProviderFailedError extends DomainError {
  constructor(reason: string) {
    super('payment.provider-error', reason);
  }
}

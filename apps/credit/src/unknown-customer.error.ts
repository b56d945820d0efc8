import { DomainError } from '@app/messaging';

export class UnknownCustomerError extends DomainError {
  constructor(customerId: string) {
    super('credit.unknown-customer', `no customer ${customerId}`);
  }
}

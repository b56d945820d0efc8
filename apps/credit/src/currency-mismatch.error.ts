import { DomainError } from '@app/messaging';

/** Credit is kept in one currency per customer; we never convert. */
export class CurrencyMismatchError extends DomainError {
  constructor(customerId: string, customerCurrency: string, requested: string) {
    super(
      'credit.currency-mismatch',
      `customer ${customerId} has credit in ${customerCurrency}, the order is in ${requested}`,
    );
  }
}

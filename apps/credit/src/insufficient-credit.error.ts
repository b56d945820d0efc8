import { DomainError } from '@app/messaging';

/** The customer's available credit does not cover the order. */
export class InsufficientCreditError extends DomainError {
  constructor(customerId: string, requested: number, available: number) {
    super(
      'credit.insufficient-credit',
      `customer ${customerId} has ${available} available, the order needs ${requested}`,
    );
  }
}

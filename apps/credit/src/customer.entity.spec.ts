import { describe, expect, it } from '@jest/globals';
import { CurrencyMismatchError } from './currency-mismatch.error.js';
import { Customer } from './customer.entity.js';
import { InsufficientCreditError } from './insufficient-credit.error.js';

function aCustomer(availableCredit: number): Customer {
  return Object.assign(new Customer(), {
    id: '1c9a6d3f-4e5b-4a7c-8d2e-3f4a5b6c7d8e',
    name: 'Ada',
    creditLimit: 1000,
    availableCredit,
    currency: 'EUR',
  });
}

describe(Customer.name, () => {
  it('refuses an order in another currency as a currency mismatch', () => {
    const refusal = aCustomer(1000).refusalOf({ amount: 10, currency: 'USD' });
    expect(refusal).toBeInstanceOf(CurrencyMismatchError);
    expect(refusal.code).toBe('credit.currency-mismatch');
  });

  it('refuses an order larger than the available credit as insufficient credit', () => {
    const refusal = aCustomer(99).refusalOf({ amount: 100, currency: 'EUR' });
    expect(refusal).toBeInstanceOf(InsufficientCreditError);
    expect(refusal.code).toBe('credit.insufficient-credit');
    expect(refusal.message).toContain('has 99 available, the order needs 100');
  });

  it('states amounts in its own currency', () => {
    expect(aCustomer(5).money(5)).toEqual({ amount: 5, currency: 'EUR' });
  });
});

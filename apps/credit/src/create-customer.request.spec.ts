import { describe, expect, it } from '@jest/globals';
import { BadRequestException } from '@nestjs/common';
import { ZodValidationPipe } from '@app/validation';
import { CreateCustomerRequest } from './create-customer.request.js';

const pipe = new ZodValidationPipe(CreateCustomerRequest, 'customer');

function aRequest(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { name: 'Ada', creditLimit: { amount: 100_000, currency: 'EUR' }, ...overrides };
}

function issuesOf(body: unknown): unknown {
  try {
    pipe.transform(body);
  } catch (error) {
    if (error instanceof BadRequestException) return error.getResponse();
    throw error;
  }
  throw new Error('the request was accepted');
}

describe('CreateCustomerRequest', () => {
  it('accepts a name and a credit limit, trimming the name', () => {
    expect(pipe.transform(aRequest({ name: '  Ada ' }))).toEqual(aRequest());
  });

  it.each([
    ['an unknown field', aRequest({ admin: true }), 'admin'],
    [
      'an unknown field inside the money',
      aRequest({ creditLimit: { amount: 1, currency: 'EUR', fx: 1 } }),
      'creditLimit.fx',
    ],
    [
      'a negative amount',
      aRequest({ creditLimit: { amount: -1, currency: 'EUR' } }),
      'creditLimit.amount',
    ],
    [
      'a fractional amount',
      aRequest({ creditLimit: { amount: 1.5, currency: 'EUR' } }),
      'creditLimit.amount',
    ],
    [
      'a lowercase currency',
      aRequest({ creditLimit: { amount: 1, currency: 'eur' } }),
      'creditLimit.currency',
    ],
    ['a blank name', aRequest({ name: '  ' }), 'name'],
  ])('refuses %s with a 400 naming the field', (_case, body, field) => {
    expect(issuesOf(body)).toEqual({
      statusCode: 400,
      error: 'Bad Request',
      message: `Invalid customer: ${field}`,
      details: [{ field, message: expect.any(String) }],
    });
  });
});

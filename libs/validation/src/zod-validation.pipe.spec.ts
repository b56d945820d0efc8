import { describe, expect, it } from '@jest/globals';
import { z } from 'zod';
import { Uuid } from './uuid.schema.js';
import { ValidationFailedException, ZodValidationPipe } from './zod-validation.pipe.js';

const PlaceOrderRequest = z.strictObject({
  total: z.strictObject({
    amount: z.number().int().positive(),
    currency: z.string().regex(/^[A-Z]{3}$/),
  }),
  paymentToken: z.string().min(1),
});

function failureOf(run: () => unknown): ValidationFailedException {
  try {
    run();
  } catch (error) {
    if (error instanceof ValidationFailedException) return error;
    throw error;
  }
  throw new Error('expected a ValidationFailedException');
}

describe(ZodValidationPipe.name, () => {
  const orders = new ZodValidationPipe(PlaceOrderRequest, 'order');

  it('passes a valid value through', () => {
    const order = { total: { amount: 100, currency: 'EUR' }, paymentToken: 'tok_approve' };
    expect(orders.transform(order)).toEqual(order);
  });

  it('names every unknown field, nested ones too', () => {
    const error = failureOf(() =>
      orders.transform({
        total: { amount: 1, currency: 'EUR', rate: 1 },
        paymentToken: 't',
        coupon: 'x',
      }),
    );
    expect(error.getStatus()).toBe(400);
    expect(error.details).toEqual([
      { field: 'total.rate', message: 'is not allowed' },
      { field: 'coupon', message: 'is not allowed' },
    ]);
    expect(error.message).toBe('Invalid order: total.rate, coupon');
  });

  it.each([
    [{ amount: -1, currency: 'EUR' }, 'total.amount'],
    [{ amount: 1.5, currency: 'EUR' }, 'total.amount'],
    [{ amount: '100', currency: 'EUR' }, 'total.amount'],
    [{ amount: 100, currency: 'eur' }, 'total.currency'],
  ])('refuses the total %j', (total, field) => {
    const error = failureOf(() => orders.transform({ total, paymentToken: 't' }));
    expect(error.details).toEqual([{ field, message: expect.any(String) }]);
  });

  it('answers in the one error body of every app', () => {
    const error = failureOf(() => orders.transform({ paymentToken: 't' }));
    expect(error.getResponse()).toEqual({
      statusCode: 400,
      error: 'Bad Request',
      message: 'Invalid order: total',
      details: [{ field: 'total', message: expect.any(String) }],
    });
  });

  it('names a route parameter that is not a UUID', () => {
    const error = failureOf(() => new ZodValidationPipe(Uuid, 'order id', 'id').transform('42'));
    expect(error.details).toEqual([{ field: 'id', message: 'must be a UUID' }]);
  });
});

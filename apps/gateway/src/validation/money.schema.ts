import { Money } from '@app/contracts';
import { z } from 'zod';

const currency = Money.shape.currency;

/** A price or a total: a positive whole number of minor units. */
export const PositiveMoney = z.strictObject({
  amount: z
    .number({ error: 'must be a whole number of minor units' })
    .int({ error: 'must be a whole number of minor units' })
    .positive({ error: 'must be greater than zero' }),
  currency,
});

/** A limit may be zero (a customer with no credit yet), never negative. */
export const NonNegativeMoney = z.strictObject({ amount: Money.shape.amount, currency });

import { z } from 'zod';
import { Uuid } from '@app/validation';
import { PositiveMoney } from '../validation/money.schema.js';

/** `POST /api/orders`. Only an admin names the customer; a customer's comes from its token. */
export const PlaceOrderRequest = z.strictObject({
  total: PositiveMoney,
  paymentToken: z.string().min(1, { error: 'must not be empty' }).max(200),
  customerId: Uuid.optional(),
});
export type PlaceOrderRequest = z.infer<typeof PlaceOrderRequest>;

/** The `Idempotency-Key` header: the same key returns the same saga and order. */
export const IdempotencyKey = z
  .string({ error: 'the Idempotency-Key header is required' })
  .regex(/^[A-Za-z0-9._:-]{1,200}$/, {
    error: 'must be 1 to 200 letters, digits, dots, underscores, colons or dashes',
  });

import { createHash } from 'node:crypto';
import { Money } from '@app/contracts';
import { z } from 'zod';

export const PlaceOrderRequest = z.object({
  customerId: z.uuid(),
  total: Money,
  paymentToken: z.string().min(1).max(200),
  /**
   * The same customer's same key with the same request returns the same saga; with another
   * request, 422. Another customer's identical key is another order.
   */
  idempotencyKey: z.string().regex(/^[A-Za-z0-9._:-]{1,200}$/),
});
export type PlaceOrderRequest = z.infer<typeof PlaceOrderRequest>;

/** Identifies the request's content, so a replayed key can be told from a reused one. */
export function fingerprintOf({ customerId, total, paymentToken }: PlaceOrderRequest): string {
  const canonical = JSON.stringify([customerId, total.amount, total.currency, paymentToken]);
  return createHash('sha256').update(canonical).digest('hex');
}

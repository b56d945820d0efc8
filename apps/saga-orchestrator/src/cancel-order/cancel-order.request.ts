import { createHash } from 'node:crypto';
import { z } from 'zod';

export const CancelOrderRequest = z.object({
  orderId: z.uuid(),
  /** The order's customer, as the gateway read it from the order. */
  customerId: z.uuid(),
  /** The same key for the same order returns the same saga; for another order, 422. */
  idempotencyKey: z.string().min(1).max(200),
});
export type CancelOrderRequest = z.infer<typeof CancelOrderRequest>;

/** Identifies the request's content, so a replayed key can be told from a reused one. */
export function fingerprintOf({ orderId, customerId }: CancelOrderRequest): string {
  const canonical = JSON.stringify(['cancel-order', orderId, customerId]);
  return createHash('sha256').update(canonical).digest('hex');
}

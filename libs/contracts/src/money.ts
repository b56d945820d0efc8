import { z } from 'zod';

/** An amount in minor units (cents) and its ISO 4217 currency: never a float. */
export const Money = z.object({
  amount: z.number().int({ error: 'must be a whole number of minor units' }).nonnegative(),
  currency: z.string().regex(/^[A-Z]{3}$/, { error: 'must be an ISO 4217 code such as EUR' }),
});
export type Money = z.infer<typeof Money>;

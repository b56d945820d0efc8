import { z } from 'zod';
import { Uuid } from '@app/validation';

export const PageLimit = z.coerce
  .number({ error: 'must be a whole number from 1 to 100' })
  .int({ error: 'must be a whole number from 1 to 100' })
  .min(1, { error: 'must be a whole number from 1 to 100' })
  .max(100, { error: 'must be a whole number from 1 to 100' });

/** The `nextCursor` of the page before; opaque here, checked by the service that made it. */
export const PageCursor = z.string().min(1).max(200);

/** `GET /api/orders?customerId=&limit=&cursor=`; an unknown parameter is a 400. */
export const ListOrdersQuery = z.strictObject({
  customerId: Uuid.optional(),
  limit: PageLimit.optional(),
  cursor: PageCursor.optional(),
});
export type ListOrdersQuery = z.infer<typeof ListOrdersQuery>;

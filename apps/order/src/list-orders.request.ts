import { Uuid } from '@app/validation';
import { z } from 'zod';

const MAX_LIMIT = 100;

/** `GET /orders` query parameters; an unknown parameter is an error rather than ignored. */
export const ListOrdersRequest = z.strictObject({
  customerId: Uuid.optional(),
  limit: z.coerce
    .number({ error: `must be a whole number from 1 to ${MAX_LIMIT}` })
    .int({ error: `must be a whole number from 1 to ${MAX_LIMIT}` })
    .min(1, { error: `must be a whole number from 1 to ${MAX_LIMIT}` })
    .max(MAX_LIMIT, { error: `must be a whole number from 1 to ${MAX_LIMIT}` })
    .default(20),
  cursor: z.uuid({ error: 'must be the nextCursor of a previous page' }).optional(),
});
export type ListOrdersRequest = z.infer<typeof ListOrdersRequest>;

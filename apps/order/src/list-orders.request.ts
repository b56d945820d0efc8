import { BadRequestException } from '@nestjs/common';
import { z } from 'zod';

const MAX_LIMIT = 100;

/** `GET /orders` query parameters; an unknown parameter is an error rather than ignored. */
export const ListOrdersRequest = z.strictObject({
  customerId: z.uuid({ error: 'must be a UUID' }).optional(),
  limit: z.coerce
    .number({ error: `must be a whole number from 1 to ${MAX_LIMIT}` })
    .int({ error: `must be a whole number from 1 to ${MAX_LIMIT}` })
    .min(1, { error: `must be a whole number from 1 to ${MAX_LIMIT}` })
    .max(MAX_LIMIT, { error: `must be a whole number from 1 to ${MAX_LIMIT}` })
    .default(20),
  cursor: z.uuid({ error: 'must be the nextCursor of a previous page' }).optional(),
});
export type ListOrdersRequest = z.infer<typeof ListOrdersRequest>;

/** Parses the query string or answers 400 naming every bad parameter. */
export function parseListOrdersRequest(query: unknown): ListOrdersRequest {
  const parsed = ListOrdersRequest.safeParse(query);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) =>
    issue.code === 'unrecognized_keys'
      ? `unknown query parameter ${issue.keys.join(', ')}`
      : `${issue.path.join('.')}: ${issue.message}`,
  );
  throw new BadRequestException(problems.join('; '));
}

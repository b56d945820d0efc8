import { z } from 'zod';
import { PageCursor, PageLimit } from '../orders/list-orders.query.js';

export const DEAD_LETTER_STATUSES = ['PENDING', 'REPLAYED', 'DISCARDED'] as const;

/** `GET /api/dead-letters?queue=&status=&limit=&cursor=`; an unknown parameter is a 400. */
export const ListDeadLettersQuery = z.strictObject({
  queue: z
    .string()
    .regex(/^[a-z0-9-]+\.[a-z0-9-]+$/, { error: 'must be a queue such as credit.commands' })
    .describe(
      'The queue the messages failed in, e.g. `credit.commands`, `saga-orchestrator.replies`',
    )
    .optional(),
  status: z
    .enum(DEAD_LETTER_STATUSES, { error: `must be one of ${DEAD_LETTER_STATUSES.join(', ')}` })
    .describe('PENDING (the default): waiting for an operator')
    .optional(),
  limit: PageLimit.optional(),
  cursor: PageCursor.optional(),
});
export type ListDeadLettersQuery = z.infer<typeof ListDeadLettersQuery>;

import { SAGA_STATUSES } from '@app/contracts';
import { z } from 'zod';

const Timestamp = z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time' });

/**
 * `POST /api/sagas/bulk-actions`: retry or compensate every saga a filter finds (at most 100 per
 * call), or with `dryRun` only list them. The filter names at least one criterion.
 */
export const BulkActionRequest = z.strictObject({
  action: z.enum(['retry', 'compensate'], { error: 'must be retry or compensate' }),
  filter: z
    .strictObject({
      type: z.string().min(1).max(100).describe('The saga type, e.g. `place-order`').optional(),
      status: z
        .enum(SAGA_STATUSES, { error: `must be one of ${SAGA_STATUSES.join(', ')}` })
        .optional(),
      step: z
        .string()
        .min(1)
        .max(200)
        .describe('The step the saga is at: for a FAILED saga, the one that failed')
        .optional(),
      from: Timestamp.describe('Created at or after').optional(),
      to: Timestamp.describe('Created before').optional(),
    })
    .refine((filter) => Object.values(filter).some((value) => value !== undefined), {
      error: 'must name at least one of type, status, step, from, to',
    }),
  dryRun: z.boolean({ error: 'must be true or false' }),
});
export type BulkActionRequest = z.infer<typeof BulkActionRequest>;

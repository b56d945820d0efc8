import { SAGA_STATUSES } from '@app/saga';
import { z } from 'zod';

export const BULK_ACTIONS = ['retry', 'compensate'] as const;
export type BulkAction = (typeof BULK_ACTIONS)[number];

/**
 * `POST /sagas/bulk-actions`: which sagas an operator repairs at once, and how. A dry run only
 * lists them. The filter names at least one criterion: "every saga" is never a bulk repair.
 */
export const BulkActionRequest = z.strictObject({
  action: z.enum(BULK_ACTIONS),
  filter: z
    .strictObject({
      type: z.string().min(1).max(100).optional(),
      status: z.enum(SAGA_STATUSES).optional(),
      /** The step the saga is at (for a FAILED saga: the one that failed). */
      step: z.string().min(1).max(200).optional(),
      /** Created at or after. */
      from: z.iso.datetime({ offset: true }).optional(),
      /** Created before. */
      to: z.iso.datetime({ offset: true }).optional(),
    })
    .refine((filter) => Object.values(filter).some((value) => value !== undefined), {
      error: 'must name at least one of type, status, step, from, to',
    }),
  dryRun: z.boolean(),
});
export type BulkActionRequest = z.infer<typeof BulkActionRequest>;

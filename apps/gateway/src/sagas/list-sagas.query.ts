import { SAGA_STATUSES } from '@app/contracts';
import { z } from 'zod';
import { PageCursor, PageLimit } from '../orders/list-orders.query.js';

/** `GET /api/sagas?status=&type=&olderThan=&limit=&cursor=`; an unknown parameter is a 400. */
export const ListSagasQuery = z.strictObject({
  status: z.enum(SAGA_STATUSES, { error: `must be one of ${SAGA_STATUSES.join(', ')}` }).optional(),
  type: z.string().min(1).max(100).describe('The saga type, e.g. `place-order`').optional(),
  olderThan: z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time' }).optional(),
  limit: PageLimit.optional(),
  cursor: PageCursor.optional(),
});
export type ListSagasQuery = z.infer<typeof ListSagasQuery>;

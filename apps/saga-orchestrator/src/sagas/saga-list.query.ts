import { SAGA_STATUSES } from '@app/saga';
import { z } from 'zod';

/** At most 6 digits: up to 2,700 years in days, never a date past what Date holds (a 500). */
const DURATION = /^(\d{1,6})(ms|s|m|h|d)$/;
const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** `olderThan`: an ISO timestamp, or an age such as `15m` (created more than 15 minutes ago). */
const olderThan = z
  .union([
    z.iso.datetime({ offset: true }).transform((value) => new Date(value)),
    z.string().regex(DURATION, { error: 'must be an ISO timestamp or an age such as 15m' }),
  ])
  .transform((value) => {
    if (value instanceof Date) return value;
    const [, amount, unit] = DURATION.exec(value) ?? [];
    return new Date(Date.now() - Number(amount) * UNIT_MS[unit as keyof typeof UNIT_MS]);
  });

const cursor = z.string().transform((value, context) => {
  try {
    const parsed = z
      .object({ createdAt: z.iso.datetime(), id: z.uuid() })
      .parse(JSON.parse(Buffer.from(value, 'base64url').toString('utf8')));
    return { createdAt: new Date(parsed.createdAt), id: parsed.id };
  } catch {
    context.addIssue({ code: 'custom', message: 'is not a cursor this API returned' });
    return z.NEVER;
  }
});

export const SagaListQuery = z.object({
  status: z.enum(SAGA_STATUSES).optional(),
  type: z.string().min(1).max(100).optional(),
  olderThan: olderThan.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: cursor.optional(),
});
export type SagaListQuery = z.infer<typeof SagaListQuery>;

export function cursorOf(createdAt: Date, id: string): string {
  return Buffer.from(JSON.stringify({ createdAt: createdAt.toISOString(), id })).toString(
    'base64url',
  );
}

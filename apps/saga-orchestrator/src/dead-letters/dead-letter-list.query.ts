import { z } from 'zod';
import { DEAD_LETTER_STATUSES } from './dead-letter-store.js';

const cursor = z.string().transform((value, context) => {
  try {
    const parsed = z
      .object({ deadLetteredAt: z.iso.datetime(), id: z.uuid() })
      .parse(JSON.parse(Buffer.from(value, 'base64url').toString('utf8')));
    return { deadLetteredAt: new Date(parsed.deadLetteredAt), id: parsed.id };
  } catch {
    context.addIssue({ code: 'custom', message: 'is not a cursor this API returned' });
    return z.NEVER;
  }
});

/** `GET /dead-letters?queue=&status=&limit=&cursor=`: pending ones unless a status is named. */
export const DeadLetterListQuery = z.object({
  queue: z
    .string()
    .regex(/^[a-z0-9-]+\.[a-z0-9-]+$/, { error: 'must be a logical queue such as credit.commands' })
    .optional(),
  status: z.enum(DEAD_LETTER_STATUSES).default('PENDING'),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: cursor.optional(),
});
export type DeadLetterListQuery = z.infer<typeof DeadLetterListQuery>;

export function cursorOf(deadLetteredAt: Date, id: string): string {
  return Buffer.from(JSON.stringify({ deadLetteredAt: deadLetteredAt.toISOString(), id })).toString(
    'base64url',
  );
}

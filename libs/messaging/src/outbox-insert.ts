import type { OutboxMessage } from './outbox-publisher.js';

/**
 * The outbox rows of `messages` as one `INSERT … SELECT` for a caller's common table expression,
 * written only if `guard` (an earlier part of the statement) returned a row: a state change and
 * the messages it sends commit in one statement. `first` is the number of its first parameter.
 * A row whose message id is there already (a re-send) is published again, under the new trace.
 */
export function outboxInsert(
  messages: readonly OutboxMessage[],
  guard: string,
  first: number,
): { sql: string; params: unknown[] } | undefined {
  if (messages.length === 0) return undefined;
  const rows = messages.map((_, index) => {
    const at = first + index * 4;
    return `($${at}::uuid, $${at + 1}::text, $${at + 2}::text, $${at + 3}::jsonb)`;
  });
  const params = messages.flatMap(({ envelope, destination, routingKey }) => [
    envelope.messageId,
    destination,
    routingKey,
    JSON.stringify(envelope),
  ]);
  const sql = `INSERT INTO outbox (message_id, destination, routing_key, envelope)
    SELECT v.message_id, v.destination, v.routing_key, v.envelope
    FROM ${guard} CROSS JOIN (VALUES ${rows.join(', ')})
      AS v(message_id, destination, routing_key, envelope)
    ON CONFLICT (message_id) DO UPDATE SET sent_at = NULL,
      envelope = jsonb_set(outbox.envelope, '{traceparent}', EXCLUDED.envelope->'traceparent')`;
  return { sql, params };
}

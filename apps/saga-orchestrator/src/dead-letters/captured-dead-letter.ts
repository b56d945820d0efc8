import { createHash } from 'node:crypto';
import type { ConsumeMessage } from 'amqplib';
import { fromAmqp, HEADERS, REPLIES_QUEUE, type Destination, type Envelope } from '@app/messaging';

/** Where a replay publishes a dead letter: as its sender's outbox first did, so it routes back. */
export interface ReplayTarget {
  destination: Destination;
  routingKey: string;
}

/** One dead-lettering of a message, as the store keeps it. */
export interface CapturedDeadLetter {
  /** The logical queue the message failed in (`credit.commands`). */
  queue: string;
  /** Its AMQP message id; a message without one is named by a hash of its content. */
  messageId: string;
  type: string | null;
  sagaId: string | null;
  reason: string;
  deadLetteredAt: Date;
  /** The message as an envelope, when it is one: only such a message can be replayed. */
  envelope: Envelope | null;
  replayTarget: ReplayTarget | null;
  /** What arrived, for the audit trail: properties, headers and the body as text. */
  message: Record<string, unknown>;
}

/** The broker's record of a dead-lettering it did itself (a delivery limit reached, say). */
interface DeathRecord {
  reason?: unknown;
  queue?: unknown;
  time?: unknown;
}

/**
 * Reads a message taken from `<queue>.dead-letter`. The message transport writes why it gave up
 * and when in its headers; a message the broker dead-lettered (its delivery limit reached) has
 * `x-death` instead. Never throws: whatever arrives must be kept, however malformed.
 */
export function captureDeadLetter(
  queue: string,
  message: Pick<ConsumeMessage, 'content' | 'properties'>,
  receivedAt: Date,
): CapturedDeadLetter {
  const properties = message.properties as unknown as Record<string, unknown>;
  const headers = (properties.headers ?? {}) as Record<string, unknown>;
  const death = firstDeath(headers['x-death']);
  const decoded = fromAmqp(message);
  const envelope = decoded.ok ? decoded.envelope : null;
  const messageId =
    textOf(properties.messageId) ??
    `sha256:${createHash('sha256').update(message.content).digest('hex')}`;
  return {
    queue,
    messageId,
    type: textOf(properties.type),
    sagaId: textOf(headers[HEADERS.sagaId]),
    reason:
      textOf(headers[HEADERS.deadLetterReason]) ??
      (death
        ? `broker: ${textOf(death.reason) ?? 'dead-lettered'} (${textOf(death.queue) ?? queue})`
        : 'no reason recorded'),
    deadLetteredAt:
      dateOf(headers[HEADERS.deadLetteredAt]) ?? (death && dateOf(death.time)) ?? receivedAt,
    envelope,
    replayTarget: envelope && replayTargetOf(queue, envelope),
    message: {
      properties: { ...properties, headers: undefined },
      headers,
      body: message.content.toString('utf8'),
    },
  };
}

/**
 * Where to publish `envelope` so it reaches `queue` again, as its sender's outbox routed it: a
 * command by its type to the commands exchange, a reply to the replies queue. None when its type
 * would route it elsewhere (it never came through the outbox).
 */
export function replayTargetOf(queue: string, envelope: Envelope): ReplayTarget | null {
  if (queue === REPLIES_QUEUE) return { destination: 'replies', routingKey: REPLIES_QUEUE };
  const service = envelope.type.split('.')[0];
  if (queue === `${service}.commands`)
    return { destination: 'commands', routingKey: envelope.type };
  return null;
}

function firstDeath(value: unknown): DeathRecord | undefined {
  return Array.isArray(value) && typeof value[0] === 'object' && value[0] !== null
    ? (value[0] as DeathRecord)
    : undefined;
}

function textOf(value: unknown): string | null {
  if (Buffer.isBuffer(value)) return value.toString('utf8') || null;
  if (typeof value === 'string' || typeof value === 'number') return String(value) || null;
  return null;
}

/** An ISO date-time, or an AMQP timestamp (seconds, bare or as amqplib types it). */
function dateOf(value: unknown): Date | undefined {
  const seconds =
    typeof value === 'object' && value !== null && '!' in value && 'value' in value
      ? (value as { value: unknown }).value
      : value;
  const date =
    typeof seconds === 'number'
      ? new Date(seconds * 1000)
      : typeof seconds === 'string'
        ? new Date(seconds)
        : undefined;
  return date && !Number.isNaN(date.getTime()) ? date : undefined;
}

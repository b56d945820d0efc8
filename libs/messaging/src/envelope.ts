import { randomUUID } from 'node:crypto';
import type { ConsumeMessage, Options } from 'amqplib';
import { z } from 'zod';

/** One envelope for every message (docs/messaging.md). */
export interface Envelope<P = unknown> {
  messageId: string;
  type: string;
  schemaVersion: number;
  sagaId?: string;
  sagaType?: string;
  correlationId: string;
  causationId?: string;
  traceparent: string;
  occurredAt: string;
  /** The logical queue that receives the reply, if one is wanted. */
  replyTo?: string;
  payload: P;
}

/** Ids a sender may set; whatever it leaves out is inherited from the message being handled. */
export interface MessageMeta {
  messageId?: string;
  sagaId?: string;
  sagaType?: string;
  correlationId?: string;
  causationId?: string;
  replyTo?: string;
}

/** Header names of the envelope fields AMQP has no property for. */
export const HEADERS = {
  schemaVersion: 'x-schema-version',
  sagaId: 'x-saga-id',
  sagaType: 'x-saga-type',
  causationId: 'x-causation-id',
  traceparent: 'traceparent',
  occurredAt: 'x-occurred-at',
  deadLetterReason: 'x-dead-letter-reason',
  deadLetterQueue: 'x-dead-letter-queue',
  /** When it was dead-lettered (ISO 8601): tells a second dead-lettering of a replayed message from a redelivery of the first. */
  deadLetteredAt: 'x-dead-lettered-at',
} as const;

const uuid = z.uuid();
const headerEnvelope = z.object({
  messageId: uuid,
  type: z.string().min(1),
  schemaVersion: z.coerce.number().int().positive(),
  sagaId: uuid.optional(),
  sagaType: z.string().min(1).optional(),
  correlationId: z.string().min(1),
  causationId: z.string().min(1).optional(),
  traceparent: z.string().min(1),
  occurredAt: z.iso.datetime(),
  replyTo: z.string().min(1).optional(),
});

export function newMessageId(): string {
  return randomUUID();
}

/** AMQP properties and body of an envelope: ids in properties, the rest in headers, payload as JSON. */
export function toAmqp(envelope: Envelope): { content: Buffer; options: Options.Publish } {
  const headers: Record<string, string | number> = {
    [HEADERS.schemaVersion]: envelope.schemaVersion,
    [HEADERS.traceparent]: envelope.traceparent,
    [HEADERS.occurredAt]: envelope.occurredAt,
  };
  if (envelope.sagaId) headers[HEADERS.sagaId] = envelope.sagaId;
  if (envelope.sagaType) headers[HEADERS.sagaType] = envelope.sagaType;
  if (envelope.causationId) headers[HEADERS.causationId] = envelope.causationId;
  return {
    content: Buffer.from(JSON.stringify(envelope.payload)),
    options: {
      messageId: envelope.messageId,
      type: envelope.type,
      correlationId: envelope.correlationId,
      ...(envelope.replyTo ? { replyTo: envelope.replyTo } : {}),
      headers,
      contentType: 'application/json',
      persistent: true,
      timestamp: Math.floor(Date.parse(envelope.occurredAt) / 1000),
    },
  };
}

export type Decoded = { ok: true; envelope: Envelope } | { ok: false; reason: string };

/** Reads an envelope back; a malformed one yields a readable reason for the dead-letter queue. */
export function fromAmqp(message: Pick<ConsumeMessage, 'content' | 'properties'>): Decoded {
  // amqplib types most properties as `any`: read them as unknown and let the schema decide.
  const properties = message.properties as unknown as Record<string, unknown>;
  const headers = (properties.headers ?? {}) as Record<string, unknown>;
  const fields = headerEnvelope.safeParse({
    messageId: properties.messageId,
    type: properties.type,
    schemaVersion: headers[HEADERS.schemaVersion],
    sagaId: headers[HEADERS.sagaId],
    sagaType: headers[HEADERS.sagaType],
    correlationId: properties.correlationId,
    causationId: headers[HEADERS.causationId],
    traceparent: headers[HEADERS.traceparent],
    occurredAt: headers[HEADERS.occurredAt],
    replyTo: properties.replyTo,
  });
  if (!fields.success)
    return { ok: false, reason: `invalid envelope: ${describeIssues(fields.error)}` };
  let payload: unknown;
  try {
    payload = JSON.parse(message.content.toString('utf8'));
  } catch (error) {
    return { ok: false, reason: `body is not JSON: ${(error as Error).message}` };
  }
  return { ok: true, envelope: { ...fields.data, payload } };
}

/** `path: message` for each zod issue, on one line. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`)
    .join('; ');
}

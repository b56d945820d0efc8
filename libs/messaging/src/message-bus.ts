import { Inject, Injectable } from '@nestjs/common';
import { context as otelContext, trace } from '@opentelemetry/api';
import type {
  CommandDefinition,
  MessageDefinition,
  PayloadOf,
  ReplyDefinition,
} from '@app/contracts';
import { holdPrepared, queryPrepared } from '@app/persistence';
import type { EntityManager } from 'typeorm';
import { describeIssues, newMessageId, type Envelope, type MessageMeta } from './envelope.js';
import { InvalidMessageError } from './invalid-message.error.js';
import { messageScope, requestTrace } from './message-scope.js';
import { MESSAGING_OPTIONS, type ResolvedMessagingOptions } from './messaging.options.js';
import { OutboxFlusher } from './outbox-flusher.js';
import type { Destination, OutboxMessage } from './outbox-publisher.js';
import { outgoingTraceparent } from './traceparent.js';

/** What a reply needs of the command it answers. */
export type ReplyAddress = Pick<
  Envelope,
  'messageId' | 'type' | 'replyTo' | 'sagaId' | 'sagaType' | 'correlationId'
>;

/**
 * Sends messages through the outbox: each message is a row written in the caller's transaction,
 * so it is published if and only if the transaction commits (right after it, by the flusher).
 */
@Injectable()
export class MessageBus {
  constructor(
    @Inject(MESSAGING_OPTIONS) private readonly options: ResolvedMessagingOptions,
    private readonly flusher: OutboxFlusher,
  ) {}

  /** Sends a command to its service's queue; ids not given are inherited from the message being handled. */
  send<D extends CommandDefinition>(
    command: D,
    payload: PayloadOf<D>,
    meta: MessageMeta,
    manager: EntityManager,
  ): Promise<Envelope<PayloadOf<D>>> {
    const replyTo = meta.replyTo ?? this.options.replyTo;
    return this.write('commands', command.type, command, payload, { ...meta, replyTo }, manager);
  }

  /**
   * A command as `send` would write it, for a caller that writes its outbox row in a statement of
   * its own (see `outboxInsert`, which also re-sends a row already there) and then calls `stage`.
   */
  compose<D extends CommandDefinition>(
    command: D,
    payload: PayloadOf<D>,
    meta: MessageMeta,
  ): OutboxMessage {
    const replyTo = meta.replyTo ?? this.options.replyTo;
    const envelope = this.validEnvelopeOf(command, payload, { ...meta, replyTo });
    return { destination: 'commands', routingKey: command.type, envelope };
  }

  /** Publishes messages whose rows the caller wrote, once `manager`'s transaction commits. */
  stage(manager: EntityManager, messages: readonly OutboxMessage[]): void {
    for (const message of messages) this.flusher.stage(manager, message);
  }

  /**
   * Publishes a message once more exactly as it was (an operator replaying a dead letter, a
   * participant answering a duplicate with its kept reply): the same message id, so a consumer
   * that did handle it skips it in its inbox. Written in the caller's transaction like any other
   * message; a row of this app's with the same id (the message it sent first) is published again.
   */
  async replay(
    envelope: Envelope,
    destination: Destination,
    routingKey: string,
    manager: EntityManager,
  ): Promise<void> {
    await manager.query(
      `INSERT INTO outbox (message_id, destination, routing_key, envelope) VALUES ($1, $2, $3, $4)
       ON CONFLICT (message_id) DO UPDATE SET sent_at = NULL, destination = EXCLUDED.destination,
         routing_key = EXCLUDED.routing_key, envelope = EXCLUDED.envelope`,
      [envelope.messageId, destination, routingKey, JSON.stringify(envelope)],
    );
    this.flusher.stage(manager, { destination, routingKey, envelope });
  }

  /**
   * Answers `to` on the queue it named in `replyTo`. With `keep`, the same statement keeps the
   * reply on `to`'s inbox row (see `Inbox.keptReply`), so a duplicate of `to` is answered alike.
   */
  reply<D extends ReplyDefinition>(
    reply: D,
    payload: PayloadOf<D>,
    to: ReplyAddress,
    manager: EntityManager,
    options: { keep?: boolean } = {},
  ): Promise<Envelope<PayloadOf<D>>> {
    if (!to.replyTo) throw new Error(`${to.type} ${to.messageId} asked for no reply`);
    const meta: MessageMeta = {
      sagaId: to.sagaId,
      sagaType: to.sagaType,
      correlationId: to.correlationId,
      causationId: to.messageId,
    };
    const keepFor = options.keep ? to.messageId : undefined;
    return this.write('replies', to.replyTo, reply, payload, meta, manager, { keepFor });
  }

  private async write<D extends MessageDefinition>(
    destination: Destination,
    routingKey: string,
    definition: D,
    payload: PayloadOf<D>,
    meta: MessageMeta,
    manager: EntityManager,
    { keepFor }: { keepFor?: string } = {},
  ): Promise<Envelope<PayloadOf<D>>> {
    const envelope = this.validEnvelopeOf(definition, payload, meta);
    const row = [envelope.messageId, destination, routingKey, JSON.stringify(envelope)];
    if (keepFor) {
      // One statement for the reply and the inbox row's copy of it, sent with the COMMIT.
      await holdPrepared(
        manager,
        `WITH sent AS (
           INSERT INTO outbox (message_id, destination, routing_key, envelope)
           VALUES ($1, $2, $3, $4::jsonb) RETURNING envelope)
         UPDATE inbox SET reply = jsonb_build_object('routingKey', $3::text, 'envelope', sent.envelope)
         FROM sent WHERE inbox.consumer = $5 AND inbox.message_id = $6`,
        [...row, this.options.consumer, keepFor],
      );
      this.flusher.stage(manager, { destination, routingKey, envelope });
      return envelope;
    }
    await queryPrepared(
      manager,
      `INSERT INTO outbox (message_id, destination, routing_key, envelope) VALUES ($1, $2, $3, $4)`,
      row,
    );
    this.flusher.stage(manager, { destination, routingKey, envelope });
    return envelope;
  }

  private validEnvelopeOf<D extends MessageDefinition>(
    definition: D,
    payload: PayloadOf<D>,
    meta: MessageMeta,
  ): Envelope<PayloadOf<D>> {
    const parsed = definition.schema.safeParse(payload);
    if (!parsed.success) {
      throw new InvalidMessageError(
        `${definition.type} payload is invalid: ${describeIssues(parsed.error)}`,
      );
    }
    return this.envelopeOf(definition, parsed.data as PayloadOf<D>, meta);
  }

  /**
   * The `traceparent` a message sent now carries: the active span's when tracing runs, else a new
   * hop of the trace of the message or request being handled, else a new trace.
   */
  traceparent(): string {
    return outgoingTraceparent(
      trace.getSpanContext(otelContext.active()),
      messageScope.getStore()?.traceparent ?? requestTrace.getStore(),
    );
  }

  private envelopeOf<P>(definition: MessageDefinition, payload: P, meta: MessageMeta): Envelope<P> {
    const handled = messageScope.getStore();
    const messageId = meta.messageId ?? newMessageId();
    const envelope: Envelope<P> = {
      messageId,
      type: definition.type,
      schemaVersion: definition.schemaVersion,
      correlationId: meta.correlationId ?? handled?.correlationId ?? messageId,
      traceparent: this.traceparent(),
      occurredAt: new Date().toISOString(),
      payload,
    };
    const sagaId = meta.sagaId ?? handled?.sagaId;
    const sagaType = meta.sagaType ?? handled?.sagaType;
    const causationId = meta.causationId ?? handled?.messageId;
    if (sagaId) envelope.sagaId = sagaId;
    if (sagaType) envelope.sagaType = sagaType;
    if (causationId) envelope.causationId = causationId;
    if (meta.replyTo) envelope.replyTo = meta.replyTo;
    return envelope;
  }
}

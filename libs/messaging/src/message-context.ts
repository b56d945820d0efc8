import { BaseRpcContext } from '@nestjs/microservices';
import { context as otelContext, trace } from '@opentelemetry/api';
import type { EntityManager } from 'typeorm';
import type { DeferredReply } from './command-replies.js';
import type { Envelope } from './envelope.js';
import { outgoingTraceparent } from './traceparent.js';

/**
 * What a message handler gets besides the payload (`@Ctx()`, or its second parameter): the whole
 * envelope and the transaction the delivery runs in.
 */
export class MessageContext<P = unknown> extends BaseRpcContext<[Envelope<P>, EntityManager]> {
  constructor(
    readonly envelope: Envelope<P>,
    /**
     * The transaction that also records the inbox row and the reply; use it for every write.
     * Under `@HandlesWithoutInbox`, the data source's own manager: each statement commits alone.
     */
    readonly manager: EntityManager,
  ) {
    super([envelope, manager]);
  }

  private deferred = false;

  /**
   * The handler answers later (after a remote call it must not make inside this transaction): no
   * reply is sent now, and a duplicate of the command is not answered until the handler answers
   * through `CommandReplies.answer` with what this returns.
   */
  deferReply(): DeferredReply {
    this.deferred = true;
    return this.replyAddress();
  }

  /**
   * Where this command's reply goes, for a handler to keep before it knows whether it defers.
   * Its traceparent is this delivery's span, so the late reply is its child as a prompt one is.
   */
  replyAddress(): DeferredReply {
    const { messageId, type, replyTo, sagaId, sagaType, correlationId } = this.envelope;
    const traceparent = outgoingTraceparent(
      trace.getSpanContext(otelContext.active()),
      this.envelope.traceparent,
    );
    return { messageId, type, replyTo, sagaId, sagaType, correlationId, traceparent };
  }

  get replyDeferred(): boolean {
    return this.deferred;
  }

  getEnvelope(): Envelope<P> {
    return this.envelope;
  }

  getManager(): EntityManager {
    return this.manager;
  }
}

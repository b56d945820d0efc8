import { Injectable } from '@nestjs/common';
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Span } from '@opentelemetry/api';
import { toAmqp, type Envelope } from './envelope.js';
import { MessagePublisher, type Publication } from './message-publisher.js';
import { MessagingMetrics } from './messaging-metrics.js';
import { Topology } from './topology.js';
import { parseTraceparent } from './traceparent.js';

const tracer = trace.getTracer('sagaflow-messaging');

/** Which exchange an outbox row goes to. */
export type Destination = 'commands' | 'replies';

/** A message as its outbox row holds it. */
export interface OutboxMessage {
  destination: Destination;
  routingKey: string;
  envelope: Envelope;
}

/**
 * Publishes outbox messages with confirms, each in a PRODUCER span of its writer's trace: for
 * the flusher right after a commit and for the relay's safety net alike.
 */
@Injectable()
export class OutboxPublisher {
  constructor(
    private readonly publisher: MessagePublisher,
    private readonly topology: Topology,
    private readonly metrics: MessagingMetrics,
  ) {}

  /** Resolves once the broker confirmed every one; rejects if it took any of them not. */
  async publish(messages: OutboxMessage[]): Promise<void> {
    const publications = messages.map((message) => this.publicationOf(message));
    const spans = publications.map((publication, index) =>
      publishSpan(messages[index].envelope, publication),
    );
    try {
      await this.publisher.publishAll(publications);
    } catch (error) {
      for (const span of spans) endSpan(span, error as Error);
      throw error;
    }
    for (const span of spans) endSpan(span);
    this.metrics.countPublished(messages.length);
  }

  private publicationOf({ destination, routingKey, envelope }: OutboxMessage): Publication {
    const { content, options } = toAmqp(envelope);
    const exchange =
      destination === 'commands' ? this.topology.commandsExchange : this.topology.repliesExchange;
    // Mandatory: a message no queue takes comes back, and its row stays unsent.
    return { exchange, routingKey, content, options: { ...options, mandatory: true } };
  }
}

/**
 * A PRODUCER span per message, from the publish to the broker's confirm, in the trace of whoever
 * wrote the row. The envelope keeps the writer's traceparent: its consumer is a sibling.
 */
function publishSpan(envelope: Envelope, publication: Publication): Span {
  const parent = parseTraceparent(envelope.traceparent);
  return tracer.startSpan(
    `publish ${envelope.type}`,
    {
      kind: SpanKind.PRODUCER,
      attributes: {
        'messaging.system': 'rabbitmq',
        'messaging.operation.type': 'send',
        'messaging.destination.name': publication.exchange,
        'messaging.rabbitmq.destination.routing_key': publication.routingKey,
        'messaging.message.id': envelope.messageId,
        'messaging.message.conversation_id': envelope.correlationId,
      },
    },
    parent ? trace.setSpanContext(ROOT_CONTEXT, parent) : ROOT_CONTEXT,
  );
}

function endSpan(span: Span, error?: Error): void {
  if (error) {
    span.recordException(error);
    span.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
  }
  span.end();
}

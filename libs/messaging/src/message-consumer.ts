import { setTimeout as sleep } from 'node:timers/promises';
import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnModuleDestroy,
  Optional,
} from '@nestjs/common';
import { context as otelContext, SpanKind, trace } from '@opentelemetry/api';
import type { Channel, ConsumeMessage, Options } from 'amqplib';
import { PinoLogger } from 'nestjs-pino';
import { BrokerConnection } from './broker-connection.js';
import { describeIssues, fromAmqp, HEADERS, type Envelope } from './envelope.js';
import { FaultInjector } from './fault-injector.js';
import { HandlerRegistry, type RegisteredHandler } from './handler-registry.js';
import { InvalidMessageError } from './invalid-message.error.js';
import { MessageDispatcher, type DispatchOutcome } from './message-dispatcher.js';
import { MessagePublisher } from './message-publisher.js';
import { messageScope } from './message-scope.js';
import { MessagingMetrics } from './messaging-metrics.js';
import { MESSAGING_OPTIONS, type ResolvedMessagingOptions } from './messaging.options.js';
import { backoffDelay } from './retry-policy.js';
import { Topology } from './topology.js';
import { parseTraceparent } from './traceparent.js';

const REATTACH_DELAY_MS = 500;

/**
 * Consumes the app's queues with manual acks: a message is acked only after its transaction
 * committed, or after it was moved to its dead-letter queue. Re-attaches after every reconnect.
 */
@Injectable()
export class MessageConsumer
  implements OnApplicationBootstrap, OnModuleDestroy, BeforeApplicationShutdown
{
  private readonly logger = new Logger(MessageConsumer.name);
  private channel?: Channel;
  private consumerTags: string[] = [];
  private stopping = false;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly broker: BrokerConnection,
    private readonly topology: Topology,
    private readonly registry: HandlerRegistry,
    private readonly dispatcher: MessageDispatcher,
    private readonly publisher: MessagePublisher,
    private readonly faults: FaultInjector,
    private readonly metrics: MessagingMetrics,
    @Inject(MESSAGING_OPTIONS) private readonly options: ResolvedMessagingOptions,
    @Optional() private readonly pino?: PinoLogger,
  ) {}

  onApplicationBootstrap(): void {
    if (this.options.consume.length > 0) void this.attach();
  }

  /** Stops taking deliveries; those already taken finish (see `drain`). */
  async onModuleDestroy(): Promise<void> {
    this.stopping = true;
    const channel = this.channel;
    if (!channel) return;
    await Promise.all(this.consumerTags.map((tag) => channel.cancel(tag).catch(() => undefined)));
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.drain();
    await this.channel?.close().catch(() => undefined);
  }

  /** Resolves when no delivery is being handled. */
  async drain(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  private async attach(): Promise<void> {
    if (this.stopping) return;
    try {
      // Waits for the (re)connection, whose setup has already declared the topology.
      const channel = await this.broker.model.createChannel();
      channel.on('error', (error: Error) =>
        this.logger.warn(`Consumer channel error: ${error.message}`),
      );
      channel.on('close', () => {
        if (this.channel !== channel) return;
        this.channel = undefined;
        if (!this.stopping) setTimeout(() => void this.attach(), REATTACH_DELAY_MS).unref();
      });
      await channel.prefetch(this.options.prefetch);
      const tags: string[] = [];
      for (const queue of this.options.consume) {
        const { consumerTag } = await channel.consume(this.topology.queue(queue), (message) => {
          if (message) this.track(this.onDelivery(channel, queue, message));
        });
        tags.push(consumerTag);
      }
      this.channel = channel;
      this.consumerTags = tags;
      this.logger.log(`Consuming ${this.options.consume.join(', ')} as ${this.options.consumer}`);
    } catch (error) {
      this.logger.warn(`Cannot consume yet (${(error as Error).message}); retrying`);
      if (!this.stopping) setTimeout(() => void this.attach(), REATTACH_DELAY_MS * 2).unref();
    }
  }

  private track(work: Promise<void>): void {
    const tracked = work
      .catch((error: unknown) => this.logger.error(`Delivery handling failed: ${String(error)}`))
      .finally(() => this.inFlight.delete(tracked));
    this.inFlight.add(tracked);
  }

  private async onDelivery(
    channel: Channel,
    queue: string,
    message: ConsumeMessage,
  ): Promise<void> {
    const decoded = fromAmqp(message);
    if (!decoded.ok) return this.deadLetter(channel, queue, message, decoded.reason);
    await this.inContext(decoded.envelope, async () => {
      const envelope = decoded.envelope;
      const handler = this.registry.get(envelope.type);
      if (!handler) {
        return this.deadLetter(
          channel,
          queue,
          message,
          `unknown message type ${envelope.type} for ${this.options.consumer}`,
        );
      }
      const payload = handler.definition.schema.safeParse(envelope.payload);
      if (!payload.success) {
        const reason = `invalid ${envelope.type} payload: ${describeIssues(payload.error)}`;
        return this.deadLetter(channel, queue, message, reason);
      }
      try {
        const outcome = await this.dispatchWithRetries(handler, {
          ...envelope,
          payload: payload.data,
        });
        if (outcome === 'duplicate') {
          this.metrics.duplicates += 1;
          this.logger.debug(`Skipped duplicate ${envelope.type}`);
        } else {
          this.metrics.handled += 1;
          this.faults.afterHandlerCommit(envelope.messageId);
        }
        this.settle(channel, message, 'ack');
      } catch (error) {
        if (this.stopping && !(error instanceof InvalidMessageError)) {
          // Shutting down mid-retry: another instance (or this one, restarted) takes it over.
          return this.settle(channel, message, 'requeue');
        }
        await this.deadLetter(
          channel,
          queue,
          message,
          `${handler.name} failed: ${(error as Error).message}`,
        );
      }
    });
  }

  /** Infrastructure errors are retried with backoff; a message that can never succeed is not. */
  private async dispatchWithRetries(
    handler: RegisteredHandler,
    envelope: Envelope,
  ): Promise<DispatchOutcome> {
    const { retry } = this.options;
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await this.dispatcher.dispatch(handler, envelope);
      } catch (error) {
        if (error instanceof InvalidMessageError || attempt >= retry.maxAttempts || this.stopping)
          throw error;
        const delay = backoffDelay(attempt, retry);
        this.metrics.retries += 1;
        this.logger.warn(
          `${handler.name} failed (attempt ${attempt}/${retry.maxAttempts}), retrying in ${delay} ms: ${(error as Error).message}`,
        );
        await sleep(delay);
      }
    }
  }

  /** Moves the original message to `<queue>.dead-letter` with the reason in a header, then acks it. */
  private async deadLetter(
    channel: Channel,
    queue: string,
    message: ConsumeMessage,
    reason: string,
  ): Promise<void> {
    const { properties } = message;
    this.logger.error(
      `Dead-lettering ${properties.type ?? 'a message'} ${properties.messageId ?? '(no id)'} from ${queue}: ${reason}`,
    );
    const options: Options.Publish = {
      headers: {
        ...properties.headers,
        [HEADERS.deadLetterReason]: reason,
        [HEADERS.deadLetterQueue]: queue,
      },
      persistent: true,
    };
    for (const key of [
      'messageId',
      'type',
      'correlationId',
      'replyTo',
      'contentType',
      'timestamp',
    ] as const) {
      const value: unknown = properties[key];
      if (value !== undefined) Object.assign(options, { [key]: value });
    }
    try {
      await this.publisher.publishAll([
        {
          exchange: this.topology.deadLetterExchange,
          routingKey: this.topology.queue(queue),
          content: message.content,
          options,
        },
      ]);
      this.metrics.deadLettered += 1;
      this.settle(channel, message, 'ack');
    } catch (error) {
      this.logger.warn(
        `Could not dead-letter (${(error as Error).message}); leaving it for redelivery`,
      );
      this.settle(channel, message, 'requeue');
    }
  }

  /** A channel lost meanwhile cannot ack: the broker redelivers, and the inbox skips the duplicate. */
  private settle(channel: Channel, message: ConsumeMessage, how: 'ack' | 'requeue'): void {
    try {
      if (how === 'ack') channel.ack(message);
      else channel.nack(message, false, true);
    } catch (error) {
      this.logger.warn(`Could not ${how} a delivery: ${(error as Error).message}`);
    }
  }

  /** Every log line, and every message sent, while handling carries the envelope's ids and trace. */
  private inContext(envelope: Envelope, work: () => Promise<void>): Promise<void> {
    const parent = parseTraceparent(envelope.traceparent);
    const received = parent
      ? trace.setSpanContext(otelContext.active(), parent)
      : otelContext.active();
    // TEMPORARY, superseded by the transport branch: a CONSUMER span per handled message.
    const span = trace
      .getTracer('sagaflow-messaging')
      .startSpan(`process ${envelope.type}`, { kind: SpanKind.CONSUMER }, received);
    const active = trace.setSpan(received, span);
    const run = () =>
      otelContext.with(active, () => messageScope.run(envelope, work)).finally(() => span.end());
    if (!this.pino) return run();
    const bindings = {
      messageId: envelope.messageId,
      messageType: envelope.type,
      correlationId: envelope.correlationId,
      traceparent: envelope.traceparent,
      ...(envelope.sagaId ? { sagaId: envelope.sagaId } : {}),
    };
    return this.pino.runInContext(run, { bindings });
  }
}

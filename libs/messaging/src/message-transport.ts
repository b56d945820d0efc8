import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnModuleDestroy,
  Optional,
} from '@nestjs/common';
import {
  Server,
  type CustomTransportStrategy,
  type MessageHandler,
  type MsPattern,
} from '@nestjs/microservices';
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Span } from '@opentelemetry/api';
import type { Channel, ConsumeMessage, Options } from 'amqplib';
import { PinoLogger } from 'nestjs-pino';
import { isObservable, lastValueFrom } from 'rxjs';
import { DataSource } from 'typeorm';
import { transientFailureOf } from '@app/persistence';
import { BrokerConnection } from './broker-connection.js';
import { deliveryConcurrency, DeliverySlots } from './delivery-slots.js';
import { describeIssues, fromAmqp, HEADERS, type Envelope } from './envelope.js';
import { FaultInjector } from './fault-injector.js';
import { handlerExtrasOf } from './handles.decorator.js';
import { InvalidMessageError } from './invalid-message.error.js';
import type { MessageContext } from './message-context.js';
import {
  MessageDispatcher,
  type DispatchOutcome,
  type MessageRoute,
} from './message-dispatcher.js';
import { MessagePublisher } from './message-publisher.js';
import { messageScope } from './message-scope.js';
import { MessagingMetrics } from './messaging-metrics.js';
import { MESSAGING_OPTIONS, type ResolvedMessagingOptions } from './messaging.options.js';
import { failureOf } from './pipeline-errors.js';
import { backoffDelay } from './retry-policy.js';
import { Topology } from './topology.js';
import { parseTraceparent } from './traceparent.js';

const REATTACH_DELAY_MS = 500;
/**
 * A transient failure is retried at least this often: a database back from a restart is used
 * within a second, so a reply held back by the outage is not handled after its saga's deadline.
 */
const TRANSIENT_MAX_DELAY_MS = 1000;
const PG_DEFAULT_POOL_SIZE = 10;
const tracer = trace.getTracer('@app/messaging');

/** The broker connection's events, for `microservice.on(...)`. */
export type MessageTransportEvents = {
  connect: () => void;
  disconnect: (error: Error) => void;
};

export type MessageTransportStatus = 'connected' | 'disconnected';

/**
 * A Nest custom transport over RabbitMQ: consumes the app's queues with manual acks and hands each
 * delivery to its `@Handles` method through Nest's pipeline (guards, interceptors, pipes,
 * exception filters), inside the dispatcher's transaction. A message is acked only after that
 * transaction committed, or after it was moved to its dead-letter queue. Re-attaches after every
 * reconnect. Connected by `connectMessageTransport`; a Nest provider, so shutdown can stop
 * consuming and drain before the outbox relay's last flush.
 *
 * Back-pressure: no more deliveries are handled at once than the database pool can serve (see
 * `deliveryConcurrency`); the others wait for a slot, unacknowledged. A failure that is the
 * database's, not the message's (see `transientFailureOf`), is retried without counting an
 * attempt, so load slows the app down and never dead-letters a message.
 */
@Injectable()
export class MessageTransport
  extends Server<MessageTransportEvents, MessageTransportStatus>
  implements CustomTransportStrategy, OnModuleDestroy, BeforeApplicationShutdown
{
  protected override readonly logger = new Logger(MessageTransport.name);
  private readonly routes = new Map<string, MessageRoute>();
  private channel?: Channel;
  private consumerTags: string[] = [];
  private stopping = false;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly slots: DeliverySlots;
  /** Channels closed under their deliveries: the broker has requeued what they held. */
  private readonly closedChannels = new WeakSet<Channel>();
  /** Cuts a retry's backoff short on shutdown. */
  private readonly stopped = new AbortController();

  constructor(
    private readonly broker: BrokerConnection,
    private readonly topology: Topology,
    private readonly dispatcher: MessageDispatcher,
    private readonly publisher: MessagePublisher,
    private readonly faults: FaultInjector,
    private readonly metrics: MessagingMetrics,
    @Inject(MESSAGING_OPTIONS) private readonly options: ResolvedMessagingOptions,
    dataSource: DataSource,
    @Optional() private readonly pino?: PinoLogger,
  ) {
    super();
    this.slots = new DeliverySlots(
      deliveryConcurrency({
        prefetch: options.prefetch,
        poolSize: poolSizeOf(dataSource),
        requested: options.concurrency,
      }),
    );
  }

  /** Nest registers each `@Handles` method here, its pipeline wrapped around it. */
  override addHandler(
    pattern: MsPattern,
    callback: MessageHandler,
    isEventHandler = false,
    extras: Record<string, unknown> = {},
  ): void {
    const type = this.normalizePattern(pattern);
    const handler = handlerExtrasOf(extras);
    const definition = handler?.definitions.get(type);
    if (!handler || !definition) {
      throw new Error(`${type} needs @Handles(definition), which knows its payload's schema`);
    }
    const existing = this.routes.get(type);
    if (existing) throw new Error(`${type} has two handlers: ${existing.name} and ${handler.name}`);
    super.addHandler(pattern, callback, isEventHandler, extras);
    this.routes.set(type, {
      definition,
      name: handler.name,
      inbox: handler.inbox,
      invoke: (payload, context) => this.invoke(callback, payload, context),
    });
    this.logger.log(`${handler.name} handles ${type}`);
  }

  /** Starts consuming; the broker connection (re)attaches in the background. */
  listen(callback: () => void): void {
    if (this.options.consume.length > 0) void this.attach();
    callback();
  }

  /** Stops taking deliveries, lets those taken finish, then closes the channel. */
  async close(): Promise<void> {
    await this.onModuleDestroy();
    await this.beforeApplicationShutdown();
  }

  /**
   * Stops taking deliveries; those being handled finish (see `drain`), those waiting for a slot
   * or for a retry go back to the queue.
   */
  async onModuleDestroy(): Promise<void> {
    this.stopping = true;
    this.stopped.abort();
    this.slots.close();
    const channel = this.channel;
    if (!channel) return;
    await Promise.all(this.consumerTags.map((tag) => channel.cancel(tag).catch(() => undefined)));
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.drain();
    const channel = this.channel;
    this.channel = undefined;
    await channel?.close().catch(() => undefined);
  }

  /** Resolves when no delivery is being handled. */
  async drain(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  on<
    EventKey extends keyof MessageTransportEvents = keyof MessageTransportEvents,
    EventCallback extends MessageTransportEvents[EventKey] = MessageTransportEvents[EventKey],
  >(event: EventKey, callback: EventCallback): void {
    this.broker.model.on(event, callback as unknown as (...args: unknown[]) => void);
  }

  /** The amqplib connection (it reconnects by itself). */
  unwrap<T>(): T {
    return this.broker.model as T;
  }

  /** Runs a handler's Nest pipeline: its result, or the error the delivery failed with. */
  private async invoke(
    handler: MessageHandler,
    payload: unknown,
    context: MessageContext,
  ): Promise<unknown> {
    try {
      const result: unknown = await handler(payload, context);
      return isObservable(result)
        ? await lastValueFrom(result, { defaultValue: undefined })
        : result;
    } catch (emitted) {
      throw failureOf(context, emitted);
    }
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
        this.closedChannels.add(channel);
        if (this.channel !== channel) return;
        this.channel = undefined;
        this._status$.next('disconnected');
        if (!this.stopping) setTimeout(() => void this.attach(), REATTACH_DELAY_MS).unref();
      });
      await channel.prefetch(this.options.prefetch ?? this.slots.size);
      const tags: string[] = [];
      for (const queue of this.options.consume) {
        const { consumerTag } = await channel.consume(this.topology.queue(queue), (message) => {
          if (message) this.track(this.onDelivery(channel, queue, message));
        });
        tags.push(consumerTag);
      }
      this.channel = channel;
      this.consumerTags = tags;
      this._status$.next('connected');
      this.logger.log(
        `Consuming ${this.options.consume.join(', ')} as ${this.options.consumer}, ${this.slots.size} at once`,
      );
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
    if (message.content.length > this.options.maxMessageBytes) {
      const reason = `message of ${message.content.length} bytes, over the ${this.options.maxMessageBytes}-byte limit`;
      return this.deadLetter(channel, queue, message, reason);
    }
    const decoded = fromAmqp(message);
    if (!decoded.ok) return this.deadLetter(channel, queue, message, decoded.reason);
    await this.inContext(decoded.envelope, queue, async (span) => {
      const envelope = decoded.envelope;
      const route = this.routes.get(envelope.type);
      if (!route) {
        const reason = `unknown message type ${envelope.type} for ${this.options.consumer}`;
        return this.deadLetter(channel, queue, message, reason, span);
      }
      const trusted = this.options.trustedPublishers?.(envelope.type);
      const publisher = message.properties.userId as string | undefined;
      if (trusted && !(publisher && trusted.includes(publisher))) {
        const reason = `${envelope.type} published by broker user ${publisher ?? '(none)'}, not by ${trusted.join(' or ')}`;
        return this.deadLetter(channel, queue, message, reason, span);
      }
      const payload = route.definition.schema.safeParse(envelope.payload);
      if (!payload.success) {
        const reason = `invalid ${envelope.type} payload: ${describeIssues(payload.error)}`;
        return this.deadLetter(channel, queue, message, reason, span);
      }
      const injected = this.faults.deadLetterReason(envelope, route.definition);
      if (injected) return this.deadLetter(channel, queue, message, injected, span);
      // Waits for a slot before the dispatcher takes a connection: the pool is never overdrawn.
      if (!(await this.slots.acquire())) return this.settle(channel, message, 'requeue');
      try {
        // Its channel closed while it waited: the broker requeued it, and this ack would fail.
        if (this.closedChannels.has(channel)) return;
        const outcome = await this.dispatchWithRetries(route, {
          ...envelope,
          payload: payload.data,
        });
        if (outcome === 'duplicate') {
          this.metrics.countDuplicate(envelope.type);
          span.setAttribute('sagaflow.inbox.duplicate', true);
          this.logger.debug(`Skipped duplicate ${envelope.type}`);
        }
        this.settle(channel, message, 'ack');
      } catch (error) {
        if (this.stopping && !(error instanceof InvalidMessageError)) {
          // Shutting down mid-retry: another instance (or this one, restarted) takes it over.
          return this.settle(channel, message, 'requeue');
        }
        const reason = `${route.name} failed: ${(error as Error).message}`;
        await this.deadLetter(channel, queue, message, reason, span);
      } finally {
        this.slots.release();
      }
    });
  }

  /**
   * Infrastructure errors are retried with backoff; a message that can never succeed is not.
   * A transient failure (a busy pool, a lock wait that timed out, a conflict, a database
   * restarting) is retried in place without counting an attempt, for as long as it lasts: only
   * the handler's own failures lead to the dead-letter queue. On shutdown the backoff is cut
   * short and the error goes up, so the delivery is requeued.
   */
  private async dispatchWithRetries(
    route: MessageRoute,
    envelope: Envelope,
  ): Promise<DispatchOutcome> {
    const { retry } = this.options;
    let attempt = 1;
    let waits = 0;
    for (;;) {
      const started = performance.now();
      try {
        const outcome = await this.dispatcher.dispatch(route, envelope);
        if (outcome === 'handled') {
          this.metrics.countHandled(envelope.type, (performance.now() - started) / 1000);
        }
        return outcome;
      } catch (error) {
        trace.getActiveSpan()?.recordException(error as Error);
        if (error instanceof InvalidMessageError || this.stopping) throw error;
        const transient = transientFailureOf(error);
        let delay: number;
        if (transient) {
          waits += 1;
          delay = Math.min(backoffDelay(waits, retry), TRANSIENT_MAX_DELAY_MS);
          this.metrics.countTransientRetry(envelope.type, transient);
          this.logger.warn(
            `${route.name} met ${transient}, not counted as an attempt; retrying in ${delay} ms: ${(error as Error).message}`,
          );
        } else {
          if (attempt >= retry.maxAttempts) throw error;
          delay = backoffDelay(attempt, retry);
          this.metrics.countRetry(envelope.type);
          this.logger.warn(
            `${route.name} failed (attempt ${attempt}/${retry.maxAttempts}), retrying in ${delay} ms: ${(error as Error).message}`,
          );
          attempt += 1;
        }
        await sleep(delay, undefined, { signal: this.stopped.signal });
      }
    }
  }

  /** Moves the original message to `<queue>.dead-letter` with the reason in a header, then acks it. */
  private async deadLetter(
    channel: Channel,
    queue: string,
    message: ConsumeMessage,
    reason: string,
    span?: Span,
  ): Promise<void> {
    const { properties } = message;
    this.logger.error(
      `Dead-lettering ${properties.type ?? 'a message'} ${properties.messageId ?? '(no id)'} from ${queue}: ${reason}`,
    );
    span?.setStatus({ code: SpanStatusCode.ERROR, message: reason });
    const options: Options.Publish = {
      headers: {
        ...properties.headers,
        [HEADERS.deadLetterReason]: reason,
        [HEADERS.deadLetterQueue]: queue,
        [HEADERS.deadLetteredAt]: new Date().toISOString(),
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
      this.metrics.countDeadLetter(queue, this.knownType(properties.type));
      this.settle(channel, message, 'ack');
    } catch (error) {
      this.logger.warn(
        `Could not dead-letter (${(error as Error).message}); leaving it for redelivery`,
      );
      this.settle(channel, message, 'requeue');
    }
  }

  /** A type this app handles, as a metric label; anything else is `unknown`. */
  private knownType(type: unknown): string {
    return typeof type === 'string' && this.routes.has(type) ? type : 'unknown';
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

  /**
   * Handles a delivery in a `process <type>` consumer span, a child of the envelope's
   * `traceparent` and active meanwhile, so what the handler sends continues it. Every log line
   * written meanwhile carries the envelope's ids. With no OpenTelemetry SDK the span is a no-op.
   */
  private inContext(
    envelope: Envelope,
    queue: string,
    work: (span: Span) => Promise<void>,
  ): Promise<void> {
    const parent = parseTraceparent(envelope.traceparent);
    const parentContext = parent ? trace.setSpanContext(ROOT_CONTEXT, parent) : ROOT_CONTEXT;
    const run = () =>
      tracer.startActiveSpan(
        `process ${envelope.type}`,
        {
          kind: SpanKind.CONSUMER,
          attributes: {
            'messaging.system': 'rabbitmq',
            'messaging.operation.type': 'process',
            'messaging.destination.name': queue,
            'messaging.message.id': envelope.messageId,
            'messaging.message.conversation_id': envelope.correlationId,
          },
        },
        parentContext,
        async (span) => {
          try {
            await messageScope.run(envelope, () => work(span));
          } finally {
            span.end();
          }
        },
      );
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

/** The pool size the app's DataSource was built with (pg's own default when it gives none). */
function poolSizeOf(dataSource: DataSource): number {
  const { poolSize } = dataSource.options as { poolSize?: number };
  return poolSize ?? PG_DEFAULT_POOL_SIZE;
}

import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Span } from '@opentelemetry/api';
import pg from 'pg';
import { DataSource, type EntityManager } from 'typeorm';
import { toAmqp, type Envelope } from './envelope.js';
import { Inbox } from './inbox.js';
import type { Destination } from './message-bus.js';
import { MessagePublisher, type Publication } from './message-publisher.js';
import { MessageTransport } from './message-transport.js';
import { MessagingChaos, type ChaosInjection } from './messaging-chaos.js';
import { MessagingMetrics } from './messaging-metrics.js';
import { MESSAGING_OPTIONS, type ResolvedMessagingOptions } from './messaging.options.js';
import { Topology } from './topology.js';
import { parseTraceparent } from './traceparent.js';

const tracer = trace.getTracer('sagaflow-messaging');

interface OutboxRow {
  id: string;
  destination: Destination;
  routing_key: string;
  envelope: Envelope;
}

/** A row and what MESSAGING_CHAOS does to it. */
interface PlannedRow {
  row: OutboxRow;
  injection: ChaosInjection;
}

/**
 * Publishes unsent outbox rows with confirms and marks them sent. Wakes on the outbox trigger's
 * NOTIFY and polls as a fallback; `FOR UPDATE SKIP LOCKED` lets several instances share the work.
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(OutboxRelay.name);
  private running = false;
  private loop?: Promise<void>;
  private wake?: () => void;
  private wakeRequested = false;
  private listener?: pg.Client;
  private purgeTimer?: NodeJS.Timeout;
  /** Under MESSAGING_CHAOS: the open batch whose held-back rows are not published yet. */
  private heldBatch?: Promise<void>;

  constructor(
    private readonly dataSource: DataSource,
    private readonly publisher: MessagePublisher,
    private readonly topology: Topology,
    private readonly transport: MessageTransport,
    private readonly inbox: Inbox,
    private readonly metrics: MessagingMetrics,
    private readonly chaos: MessagingChaos,
    @Inject(MESSAGING_OPTIONS) private readonly options: ResolvedMessagingOptions,
  ) {}

  onApplicationBootstrap(): void {
    this.running = true;
    void this.listen();
    this.loop = this.run();
    this.purgeTimer = setInterval(() => void this.purge(), this.options.outbox.purgeIntervalMs);
    this.purgeTimer.unref();
  }

  /** After in-flight handlers finished, publishes what they wrote, then stops. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.transport.drain();
    this.running = false;
    clearInterval(this.purgeTimer);
    this.wake?.();
    await this.loop;
    // Held-back rows are left unsent (and unlocked) for the flush below, without chaos.
    this.chaos.stop();
    await this.heldBatch;
    await this.publishPending().catch((error: unknown) => {
      this.logger.warn(`Final outbox flush failed, rows stay for the next start: ${String(error)}`);
    });
    await this.listener?.end().catch(() => undefined);
  }

  /** Publishes unsent rows until none are left; the number published. */
  async publishPending(): Promise<number> {
    let total = 0;
    for (;;) {
      const published = await this.publishBatch();
      total += published;
      if (published < this.options.outbox.batchSize) return total;
    }
  }

  private async run(): Promise<void> {
    while (this.running) {
      try {
        await this.publishPending();
      } catch (error) {
        this.logger.warn(`Publishing the outbox failed, retrying: ${(error as Error).message}`);
      }
      await this.sleepUntilWoken();
    }
  }

  private async publishBatch(): Promise<number> {
    if (this.chaos.enabled && this.running) return this.publishBatchWithChaos();
    return this.dataSource.transaction(async (manager) => {
      const rows = await this.lockUnsent(manager);
      if (rows.length === 0) return 0;
      await this.publishRows(rows);
      await this.markSent(manager, rows);
      return rows.length;
    });
  }

  /**
   * A batch under MESSAGING_CHAOS: rows drawn for `duplicate` are published again a little later;
   * rows drawn for `reorder` are held back while the relay carries on with the rows after them.
   * Their transaction stays open until each was published and confirmed, so its lock keeps them
   * from every relay meanwhile, and marks them sent only then: a crash re-publishes them (a
   * duplicate, which is allowed). One such batch is open at a time: it holds a pooled
   * connection, one beyond the relay's own.
   */
  private publishBatchWithChaos(): Promise<number> {
    return new Promise<number>((resolve, reject) => {
      let endHold: (() => void) | undefined;
      this.dataSource
        .transaction(async (manager) => {
          const rows = await this.lockUnsent(manager);
          const canHold = this.heldBatch === undefined;
          const planned: PlannedRow[] = rows.map((row) => ({
            row,
            injection: this.chaos.draw(row.envelope, canHold),
          }));
          const now = planned.filter(({ injection }) => injection.holdMs === undefined);
          const held = planned.filter(({ injection }) => injection.holdMs !== undefined);
          if (now.length > 0) {
            const publications = await this.publishRows(now.map(({ row }) => row));
            await this.markSent(
              manager,
              now.map(({ row }) => row),
            );
            now.forEach(({ injection }, index) =>
              this.duplicateLater(publications[index], injection),
            );
          }
          if (held.length === 0) return rows.length;
          this.heldBatch = new Promise<void>((done) => (endHold = done));
          // The relay goes on with the rows after these; this transaction keeps them locked.
          resolve(rows.length);
          // Every held row settles before the transaction ends, so none uses it after.
          const outcomes = await Promise.allSettled(
            held.map((plan) => this.publishHeld(manager, plan)),
          );
          const failed = outcomes.find((outcome) => outcome.status === 'rejected');
          if (failed) throw failed.reason;
          return rows.length;
        })
        .then(resolve, (error: Error) => {
          if (!endHold) return reject(error);
          this.logger.warn(
            `A batch with held-back messages failed, its rows go out again: ${String(error)}`,
          );
        })
        .finally(() => {
          if (!endHold) return;
          this.heldBatch = undefined;
          endHold();
        });
    });
  }

  /** Publishes a held row when its hold ends, unless the relay stops first: then it stays unsent. */
  private async publishHeld(manager: EntityManager, { row, injection }: PlannedRow): Promise<void> {
    if (!(await this.chaos.hold(injection.holdMs ?? 0))) return;
    let publication: Publication;
    try {
      [publication] = await this.publishRows([row]);
    } catch (error) {
      this.logger.warn(
        `A held-back message was not published, it goes out again: ${String(error)}`,
      );
      return;
    }
    await this.markSent(manager, [row]);
    this.duplicateLater(publication, injection);
  }

  /** The same message again, same id, properties and headers: a copy the inboxes must drop. */
  private duplicateLater(publication: Publication, { duplicateAfterMs }: ChaosInjection): void {
    if (duplicateAfterMs === undefined) return;
    this.chaos.later(duplicateAfterMs, () => this.publisher.publishAll([publication]));
  }

  private lockUnsent(manager: EntityManager): Promise<OutboxRow[]> {
    return manager.query(
      `SELECT id, destination, routing_key, envelope FROM outbox
       WHERE sent_at IS NULL ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED`,
      [this.options.outbox.batchSize],
    );
  }

  /** Publishes the rows with confirms, each in its span; their publications, in order. */
  private async publishRows(rows: OutboxRow[]): Promise<Publication[]> {
    const publications = rows.map((row) => this.publicationOf(row));
    const spans = publications.map((publication, index) =>
      publishSpan(rows[index].envelope, publication),
    );
    try {
      await this.publisher.publishAll(publications);
    } catch (error) {
      for (const span of spans) endSpan(span, error as Error);
      throw error;
    }
    for (const span of spans) endSpan(span);
    return publications;
  }

  private async markSent(manager: EntityManager, rows: OutboxRow[]): Promise<void> {
    await manager.query(`UPDATE outbox SET sent_at = now() WHERE id = ANY($1::bigint[])`, [
      rows.map((row) => row.id),
    ]);
    this.metrics.countPublished(rows.length);
  }

  private publicationOf(row: OutboxRow): Publication {
    const { content, options } = toAmqp(row.envelope);
    const exchange =
      row.destination === 'commands'
        ? this.topology.commandsExchange
        : this.topology.repliesExchange;
    // Mandatory: a message no queue takes comes back, and its row stays unsent.
    return {
      exchange,
      routingKey: row.routing_key,
      content,
      options: { ...options, mandatory: true },
    };
  }

  private sleepUntilWoken(): Promise<void> {
    if (this.wakeRequested || !this.running) {
      this.wakeRequested = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wake = undefined;
        this.wakeRequested = false;
        resolve();
      };
      const timer = setTimeout(done, this.options.outbox.pollIntervalMs);
      this.wake = done;
    });
  }

  private requestWake(): void {
    if (this.wake) this.wake();
    else this.wakeRequested = true;
  }

  /** LISTEN on a dedicated connection; reconnects after a failure, polling covers the gap. */
  private async listen(): Promise<void> {
    if (!this.running) return;
    const url = (this.dataSource.options as { url?: string }).url;
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
    try {
      const [{ schema }] = await this.dataSource.query<[{ schema: string }]>(
        `SELECT current_schema() AS schema`,
      );
      client.on('notification', () => this.requestWake());
      client.on('error', (error) => {
        if (this.listener !== client) return;
        this.logger.warn(`Outbox listener lost: ${error.message}; polling until it is back`);
        this.listener = undefined;
        void client.end().catch(() => undefined);
        setTimeout(() => void this.listen(), this.options.outbox.pollIntervalMs).unref();
      });
      await client.connect();
      await client.query(`LISTEN ${client.escapeIdentifier(`outbox_${schema}`)}`);
      this.listener = client;
      if (!this.running) await client.end();
    } catch (error) {
      this.logger.warn(`Cannot listen for outbox rows (${(error as Error).message}); polling`);
      await client.end().catch(() => undefined);
      if (this.running)
        setTimeout(() => void this.listen(), this.options.outbox.pollIntervalMs * 5).unref();
    }
  }

  /** Deletes sent rows (and inbox rows) past their retention, a bounded batch at a time. */
  private async purge(): Promise<void> {
    try {
      await this.dataSource.query(
        `DELETE FROM outbox WHERE id IN (
           SELECT id FROM outbox WHERE sent_at < now() - $1 * interval '1 millisecond' LIMIT 10000)`,
        [this.options.outbox.retentionMs],
      );
      await this.inbox.purge(this.dataSource.manager);
    } catch (error) {
      this.logger.warn(`Purging the outbox failed: ${(error as Error).message}`);
    }
  }
}

/**
 * A PRODUCER span per message, from the relay's publish to the broker's confirm, in the trace of
 * whoever wrote the row. The envelope keeps the writer's traceparent: its consumer is a sibling.
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

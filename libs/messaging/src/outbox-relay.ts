import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Envelope } from './envelope.js';
import { Inbox } from './inbox.js';
import type { Destination } from './outbox-publisher.js';
import { MessageTransport } from './message-transport.js';
import { MESSAGING_OPTIONS, type ResolvedMessagingOptions } from './messaging.options.js';
import { OutboxFlusher } from './outbox-flusher.js';
import { OutboxPublisher } from './outbox-publisher.js';

interface OutboxRow {
  id: string;
  destination: Destination;
  routing_key: string;
  envelope: Envelope;
}

/**
 * The outbox's safety net: publishes with confirms the rows the OutboxFlusher did not (a crash
 * between commit and publish, the broker away, a nested rollback) and deletes them. It polls
 * for unsent rows older than its grace period, so it does not race the flusher over fresh ones;
 * `FOR UPDATE SKIP LOCKED` lets several instances share the work.
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(OutboxRelay.name);
  private running = false;
  private loop?: Promise<void>;
  private wake?: () => void;
  private purgeTimer?: NodeJS.Timeout;

  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: OutboxPublisher,
    private readonly flusher: OutboxFlusher,
    private readonly transport: MessageTransport,
    private readonly inbox: Inbox,
    @Inject(MESSAGING_OPTIONS) private readonly options: ResolvedMessagingOptions,
  ) {}

  onApplicationBootstrap(): void {
    this.running = true;
    this.loop = this.run();
    this.purgeTimer = setInterval(() => void this.purge(), this.options.outbox.purgeIntervalMs);
    this.purgeTimer.unref();
  }

  /** After in-flight handlers finished, publishes what they wrote, then stops. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.transport.drain();
    await this.flusher.drain();
    this.running = false;
    clearInterval(this.purgeTimer);
    this.wake?.();
    await this.loop;
    await this.publishPending(0).catch((error: unknown) => {
      this.logger.warn(`Final outbox flush failed, rows stay for the next start: ${String(error)}`);
    });
  }

  /**
   * Publishes unsent rows older than `graceMs` until none are left; the number published. With
   * no grace (on shutdown, after the flusher drained) every unsent row goes.
   */
  async publishPending(graceMs = this.options.outbox.graceMs): Promise<number> {
    let total = 0;
    for (;;) {
      const published = await this.publishBatch(graceMs);
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

  private async publishBatch(graceMs: number): Promise<number> {
    return this.dataSource.transaction(async (manager) => {
      const rows: OutboxRow[] = await manager.query(
        `SELECT id, destination, routing_key, envelope FROM outbox
         WHERE sent_at IS NULL AND created_at < now() - $2 * interval '1 millisecond'
         ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED`,
        [this.options.outbox.batchSize, graceMs],
      );
      if (rows.length === 0) return 0;
      await this.outbox.publish(
        rows.map((row) => ({
          destination: row.destination,
          routingKey: row.routing_key,
          envelope: row.envelope,
        })),
      );
      await manager.query(`DELETE FROM outbox WHERE id = ANY($1::bigint[])`, [
        rows.map((row) => row.id),
      ]);
      return rows.length;
    });
  }

  private sleepUntilWoken(): Promise<void> {
    if (!this.running) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, this.options.outbox.pollIntervalMs);
      this.wake = done;
    });
  }

  /**
   * Deletes inbox rows past their retention, and outbox rows marked sent (by versions that kept
   * sent rows instead of deleting them), a bounded batch at a time.
   */
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

import {
  Inject,
  Injectable,
  Logger,
  type OnModuleDestroy,
  type OnModuleInit,
} from '@nestjs/common';
import type { Channel } from 'amqplib';
import { scrapedGauge } from '@app/metrics';
import { BrokerConnection } from './broker-connection.js';
import { MESSAGING_OPTIONS, type ResolvedMessagingOptions } from './messaging.options.js';
import { Topology } from './topology.js';

const depth = scrapedGauge({
  name: 'sagaflow_dead_letter_queue_depth',
  help: 'Dead letters of a queue waiting for an operator to replay or discard: those in its dead-letter queue, plus those the app that keeps them has stored',
  labelNames: ['queue'] as const,
});

/** Scrapes closer together than this share one reading: each one asks the broker. */
export const DEAD_LETTER_CACHE_MS = 5000;
const CHECK_TIMEOUT_MS = 2000;

/**
 * Dead letters an app has taken off the broker and keeps for an operator (the orchestrator's
 * back office), by logical queue: not yet replayed or discarded, so still waiting.
 */
export interface StoredDeadLetters {
  unresolvedByQueue(): Promise<Map<string, number>>;
}

/**
 * The depth of the dead-letter queue of every queue this app consumes, read with a passive
 * `checkQueue` (it never creates a queue) when Prometheus scrapes, cached a few seconds. The app
 * that keeps the dead letters (`countStored`) reports every queue of the namespace, its stored
 * ones counted in: so `max by (queue)` over all apps is what waits for an operator, wherever it is.
 */
@Injectable()
export class DeadLetterMetrics implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(DeadLetterMetrics.name);
  private stop?: () => void;
  private channel?: Promise<Channel>;
  private reading?: { at: number; depths: Map<string, number> };
  private stored?: StoredDeadLetters;

  constructor(
    private readonly broker: BrokerConnection,
    private readonly topology: Topology,
    @Inject(MESSAGING_OPTIONS) private readonly options: ResolvedMessagingOptions,
  ) {}

  onModuleInit(): void {
    if (this.options.consume.length === 0) return;
    this.stop = depth.read(async (gauge) => {
      for (const [queue, messages] of await this.depths()) gauge.set({ queue }, messages);
    });
  }

  async onModuleDestroy(): Promise<void> {
    this.stop?.();
    const channel = await this.channel?.catch(() => undefined);
    this.channel = undefined;
    await channel?.close().catch(() => undefined);
  }

  /** Counts the dead letters `store` keeps too, for every queue of the namespace. */
  countStored(store: StoredDeadLetters): void {
    this.stored = store;
    this.reading = undefined;
  }

  /** Dead-letter queue name → dead letters of its queue still waiting (on the broker or stored). */
  async depths(): Promise<Map<string, number>> {
    if (this.reading && Date.now() - this.reading.at < DEAD_LETTER_CACHE_MS) {
      return this.reading.depths;
    }
    // A channel waits for the connection to come back: a scrape must not wait with it.
    if (!this.broker.isConnected()) throw new Error('not connected to RabbitMQ');
    const channel = await this.channelForChecks();
    const stored = (await this.stored?.unresolvedByQueue()) ?? new Map<string, number>();
    const depths = new Map<string, number>();
    for (const logical of this.stored ? this.topology.queues : this.options.consume) {
      const queue = this.topology.deadLetterQueue(logical);
      const { messageCount } = await withTimeout(channel.checkQueue(queue), CHECK_TIMEOUT_MS);
      depths.set(queue, messageCount + (stored.get(logical) ?? 0));
    }
    this.reading = { at: Date.now(), depths };
    return depths;
  }

  /** One channel for the checks; the broker closes it on a failed check, so it is reopened. */
  private channelForChecks(): Promise<Channel> {
    if (!this.channel) {
      const opening = this.broker.model.createChannel().then((channel) => {
        channel.on('error', (error: Error) =>
          this.logger.warn(`Dead-letter check channel error: ${error.message}`),
        );
        channel.on('close', () => {
          if (this.channel === opening) this.channel = undefined;
        });
        return channel;
      });
      opening.catch(() => {
        if (this.channel === opening) this.channel = undefined;
      });
      this.channel = opening;
    }
    return this.channel;
  }
}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

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
  help: 'Messages waiting in a dead-letter queue of this app, for an operator to replay or discard',
  labelNames: ['queue'] as const,
});

/** Scrapes closer together than this share one reading: each one asks the broker. */
export const DEAD_LETTER_CACHE_MS = 5000;
const CHECK_TIMEOUT_MS = 2000;

/**
 * The depth of the dead-letter queue of every queue this app consumes, read with a passive
 * `checkQueue` (it never creates a queue) when Prometheus scrapes, cached a few seconds.
 */
@Injectable()
export class DeadLetterMetrics implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(DeadLetterMetrics.name);
  private stop?: () => void;
  private channel?: Promise<Channel>;
  private reading?: { at: number; depths: Map<string, number> };

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

  /** Dead-letter queue name → messages in it. */
  async depths(): Promise<Map<string, number>> {
    if (this.reading && Date.now() - this.reading.at < DEAD_LETTER_CACHE_MS) {
      return this.reading.depths;
    }
    // A channel waits for the connection to come back: a scrape must not wait with it.
    if (!this.broker.isConnected()) throw new Error('not connected to RabbitMQ');
    const channel = await this.channelForChecks();
    const depths = new Map<string, number>();
    for (const logical of this.options.consume) {
      const queue = this.topology.deadLetterQueue(logical);
      const { messageCount } = await withTimeout(channel.checkQueue(queue), CHECK_TIMEOUT_MS);
      depths.set(queue, messageCount);
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

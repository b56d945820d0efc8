import { setTimeout as sleep } from 'node:timers/promises';
import {
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import type { Channel, ConsumeMessage } from 'amqplib';
import { BrokerConnection, DeadLetterMetrics, Topology } from '@app/messaging';
import { captureDeadLetter } from './captured-dead-letter.js';
import { DeadLetterStore } from './dead-letter-store.js';

const PREFETCH = 20;
const REATTACH_DELAY_MS = 1000;
/** A store that cannot write (the database down) gets the message back after this, not at once. */
const REQUEUE_DELAY_MS = 1000;

/**
 * Moves every dead letter of the namespace (every participant's commands queue and the replies
 * queue) off the broker into `dead_letters`, where an operator lists, replays or discards it. A
 * message is acked only after its row committed; a redelivery finds the row and changes nothing.
 * Several orchestrator instances share the dead-letter queues as competing consumers.
 */
@Injectable()
export class DeadLetterCollector
  implements OnApplicationBootstrap, OnModuleDestroy, BeforeApplicationShutdown
{
  private readonly logger = new Logger(DeadLetterCollector.name);
  private channel?: Channel;
  private consumerTags: string[] = [];
  private stopping = false;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly broker: BrokerConnection,
    private readonly topology: Topology,
    private readonly store: DeadLetterStore,
    metrics: DeadLetterMetrics,
  ) {
    metrics.countStored(store);
  }

  onApplicationBootstrap(): void {
    void this.attach();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopping = true;
    const channel = this.channel;
    if (!channel) return;
    await Promise.all(this.consumerTags.map((tag) => channel.cancel(tag).catch(() => undefined)));
  }

  /** Lets the dead letters taken finish before the database closes. */
  async beforeApplicationShutdown(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
    const channel = this.channel;
    this.channel = undefined;
    await channel?.close().catch(() => undefined);
  }

  private async attach(): Promise<void> {
    if (this.stopping) return;
    try {
      // Waits for the (re)connection, whose setup has declared every dead-letter queue.
      const channel = await this.broker.model.createChannel();
      channel.on('error', (error: Error) =>
        this.logger.warn(`Dead-letter channel error: ${error.message}`),
      );
      channel.on('close', () => {
        if (this.channel !== channel) return;
        this.channel = undefined;
        this.reattachLater();
      });
      await channel.prefetch(PREFETCH);
      const tags: string[] = [];
      for (const logical of this.topology.queues) {
        const { consumerTag } = await channel.consume(
          this.topology.deadLetterQueue(logical),
          (message) => {
            if (message) this.track(this.collect(channel, logical, message));
          },
        );
        tags.push(consumerTag);
      }
      this.channel = channel;
      this.consumerTags = tags;
    } catch (error) {
      this.logger.warn(`Cannot collect dead letters yet (${(error as Error).message}); retrying`);
      this.reattachLater();
    }
  }

  private reattachLater(): void {
    if (!this.stopping) setTimeout(() => void this.attach(), REATTACH_DELAY_MS).unref();
  }

  private track(work: Promise<void>): void {
    const tracked = work.finally(() => this.inFlight.delete(tracked));
    this.inFlight.add(tracked);
  }

  private async collect(channel: Channel, queue: string, message: ConsumeMessage): Promise<void> {
    const letter = captureDeadLetter(queue, message, new Date());
    try {
      await this.store.keep(letter);
    } catch (error) {
      this.logger.warn(
        `Cannot keep dead letter ${letter.messageId} of ${queue} (${(error as Error).message}); it stays on the broker`,
      );
      await sleep(REQUEUE_DELAY_MS);
      return this.settle(channel, message, 'requeue');
    }
    this.logger.log(
      `Kept dead letter ${letter.messageId} (${letter.type ?? 'no type'}) of ${queue}`,
    );
    this.settle(channel, message, 'ack');
  }

  /** A channel lost meanwhile cannot ack: the broker redelivers, and the row is found again. */
  private settle(channel: Channel, message: ConsumeMessage, how: 'ack' | 'requeue'): void {
    try {
      if (how === 'ack') channel.ack(message);
      else channel.nack(message, false, true);
    } catch (error) {
      this.logger.warn(`Could not ${how} a dead letter: ${(error as Error).message}`);
    }
  }
}

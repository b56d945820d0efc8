import type { ChannelModel } from 'amqplib';
import type { ResolvedMessagingOptions } from './messaging.options.js';

export const REPLIES_QUEUE = 'saga-orchestrator.replies';

/**
 * The broker's exchanges and queues, named under the configured namespace. Commands route by
 * message type (`credit.reserve-credit` to `credit.commands`), replies by the reply-to queue.
 */
export class Topology {
  readonly commandsExchange: string;
  readonly repliesExchange: string;
  readonly deadLetterExchange: string;

  constructor(private readonly options: Pick<ResolvedMessagingOptions, 'namespace' | 'services'>) {
    this.commandsExchange = this.name('sagaflow.commands');
    this.repliesExchange = this.name('sagaflow.replies');
    this.deadLetterExchange = this.name('sagaflow.dead-letter');
  }

  /** The broker's name of a logical queue. */
  queue(logical: string): string {
    return this.name(logical);
  }

  /** The logical queue a command type is routed to: `credit.reserve-credit` → `credit.commands`. */
  commandsQueueOf(commandType: string): string {
    return `${commandType.split('.')[0]}.commands`;
  }

  deadLetterQueue(logical: string): string {
    return `${this.queue(logical)}.dead-letter`;
  }

  /** Logical names of every queue the topology declares. */
  get queues(): string[] {
    return [...this.options.services.map((service) => `${service}.commands`), REPLIES_QUEUE];
  }

  /** Declares everything, idempotently: at start-up and after every reconnect. */
  async declare(model: ChannelModel): Promise<void> {
    const channel = await model.createChannel();
    try {
      await channel.assertExchange(this.commandsExchange, 'topic', { durable: true });
      await channel.assertExchange(this.repliesExchange, 'direct', { durable: true });
      await channel.assertExchange(this.deadLetterExchange, 'direct', { durable: true });
      for (const service of this.options.services) {
        await this.declareQueue(
          channel,
          `${service}.commands`,
          this.commandsExchange,
          `${service}.*`,
        );
      }
      await this.declareQueue(channel, REPLIES_QUEUE, this.repliesExchange, REPLIES_QUEUE);
    } finally {
      await channel.close();
    }
  }

  /**
   * Checks, creating nothing, that the exchanges and the queues this app consumes (with their
   * dead-letter queues) exist: for an app that leaves declaring to another (the orchestrator).
   * Passive declares need no configure permission. Fails naming the first one missing.
   */
  async check(model: ChannelModel, consumed: readonly string[]): Promise<void> {
    const channel = await model.createChannel();
    // A missing one closes the channel; the failed call below says which.
    channel.on('error', () => undefined);
    let checking = '';
    try {
      for (const exchange of [
        this.commandsExchange,
        this.repliesExchange,
        this.deadLetterExchange,
      ]) {
        checking = `exchange ${exchange}`;
        await channel.checkExchange(exchange);
      }
      for (const logical of consumed) {
        for (const queue of [this.queue(logical), this.deadLetterQueue(logical)]) {
          checking = `queue ${queue}`;
          await channel.checkQueue(queue);
        }
      }
    } catch (error) {
      // Not a missing one (the connection dropped, say): as is, for the reconnect to report.
      if ((error as { code?: number }).code !== 404) throw error;
      throw new Error(
        `The broker has no ${checking} yet: this app does not declare the topology (AMQP_DECLARE_TOPOLOGY=false), the orchestrator does (${(error as Error).message})`,
      );
    } finally {
      await channel.close().catch(() => undefined);
    }
  }

  private async declareQueue(
    channel: Awaited<ReturnType<ChannelModel['createChannel']>>,
    logical: string,
    exchange: string,
    pattern: string,
  ): Promise<void> {
    const queue = this.queue(logical);
    const deadLetter = this.deadLetterQueue(logical);
    // Quorum queues survive node loss and count deliveries; the delivery limit dead-letters a
    // message that keeps crashing its consumer before it can be acked.
    await channel.assertQueue(queue, {
      durable: true,
      arguments: {
        'x-queue-type': 'quorum',
        'x-delivery-limit': 20,
        'x-dead-letter-exchange': this.deadLetterExchange,
        'x-dead-letter-routing-key': queue,
      },
    });
    await channel.bindQueue(queue, exchange, pattern);
    await channel.assertQueue(deadLetter, {
      durable: true,
      arguments: { 'x-queue-type': 'quorum' },
    });
    await channel.bindQueue(deadLetter, this.deadLetterExchange, queue);
  }

  private name(logical: string): string {
    return `${this.options.namespace}${logical}`;
  }
}

import { Topology } from '@app/messaging';
import { connect } from 'amqplib';
import { eventuallyValue } from './eventually.js';

export const AMQP_URL = 'amqp://guest:guest@127.0.0.1:5672';

/** The services whose commands queues an app declares in the whole system. */
export const PARTICIPANTS = ['order', 'credit', 'payment'];

/**
 * Exchanges and queues of a suite's own on the real broker (messaging's AMQP_NAMESPACE), so a
 * running system or another suite never sees its messages.
 */
export class ScratchNamespace {
  readonly topology: Topology;

  constructor(
    readonly prefix: string,
    services: string[] = PARTICIPANTS,
  ) {
    this.topology = new Topology({ namespace: prefix, services });
  }

  /** Waits until `count` consumers (an app's instances) are attached to a logical queue. */
  async waitForConsumers(logicalQueue: string, count = 1, timeoutMs = 10_000): Promise<void> {
    const queue = this.topology.queue(logicalQueue);
    const model = await connect(AMQP_URL);
    model.on('error', () => undefined); // a failure surfaces through the calls below
    try {
      const channel = await model.createChannel();
      await eventuallyValue(
        async () => (await channel.checkQueue(queue)).consumerCount,
        (consumers) => consumers >= count,
        { timeoutMs, intervalMs: 50, what: `${queue} has ${count} consumer(s)` },
      );
    } finally {
      await model.close().catch(() => undefined);
    }
  }

  /** Removes the namespace's exchanges and queues: a test run leaves nothing on the broker. */
  async delete(): Promise<void> {
    const model = await connect(AMQP_URL);
    model.on('error', () => undefined); // a failure surfaces through the calls below
    try {
      const channel = await model.createChannel();
      for (const logical of this.topology.queues) {
        await channel.deleteQueue(this.topology.queue(logical));
        await channel.deleteQueue(this.topology.deadLetterQueue(logical));
      }
      for (const exchange of [
        this.topology.commandsExchange,
        this.topology.repliesExchange,
        this.topology.deadLetterExchange,
      ]) {
        await channel.deleteExchange(exchange);
      }
    } finally {
      await model.close().catch(() => undefined);
    }
  }
}

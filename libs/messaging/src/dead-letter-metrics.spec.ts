import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { register } from 'prom-client';
import type { BrokerConnection } from './broker-connection.js';
import { DEAD_LETTER_CACHE_MS, DeadLetterMetrics } from './dead-letter-metrics.js';
import { resolveMessagingOptions } from './messaging.options.js';
import { Topology } from './topology.js';

const options = resolveMessagingOptions({
  url: 'amqp://broker',
  connectionName: 'credit',
  consume: ['credit.commands'],
  namespace: 'it.',
});

/** A broker whose dead-letter queues hold `depth` messages; counts the checks it answers. */
function aBroker(depth: { messages: number }, connected = { now: true }) {
  const checked: string[] = [];
  const channel = {
    on: () => channel,
    close: () => Promise.resolve(),
    checkQueue: (queue: string) => {
      checked.push(queue);
      return Promise.resolve({ queue, messageCount: depth.messages, consumerCount: 0 });
    },
  };
  const broker = {
    isConnected: () => connected.now,
    model: { createChannel: () => Promise.resolve(channel) },
  } as unknown as BrokerConnection;
  return { broker, checked };
}

describe(DeadLetterMetrics.name, () => {
  beforeEach(() => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate'] });
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  it('reports the depth of the dead-letter queue of each queue the app consumes', async () => {
    const { broker, checked } = aBroker({ messages: 3 });
    const metrics = new DeadLetterMetrics(broker, new Topology(options), options);
    metrics.onModuleInit();

    expect(await register.metrics()).toContain(
      'sagaflow_dead_letter_queue_depth{queue="it.credit.commands.dead-letter"} 3',
    );
    expect(checked).toEqual(['it.credit.commands.dead-letter']);
    await metrics.onModuleDestroy();
  });

  it('counts the dead letters an app keeps, for every queue of the namespace', async () => {
    const { broker, checked } = aBroker({ messages: 1 });
    const metrics = new DeadLetterMetrics(broker, new Topology(options), options);
    metrics.countStored({
      unresolvedByQueue: () => Promise.resolve(new Map([['payment.commands', 5]])),
    });

    const depths = await metrics.depths();
    expect(Object.fromEntries(depths)).toEqual({
      'it.order.commands.dead-letter': 1,
      'it.credit.commands.dead-letter': 1,
      'it.payment.commands.dead-letter': 6,
      'it.saga-orchestrator.replies.dead-letter': 1,
    });
    expect(checked).toHaveLength(4);
  });

  it('asks the broker at most once every few seconds, however often it is scraped', async () => {
    const depth = { messages: 1 };
    const { broker, checked } = aBroker(depth);
    const metrics = new DeadLetterMetrics(broker, new Topology(options), options);

    expect((await metrics.depths()).get('it.credit.commands.dead-letter')).toBe(1);
    depth.messages = 4;
    expect((await metrics.depths()).get('it.credit.commands.dead-letter')).toBe(1);
    jest.advanceTimersByTime(DEAD_LETTER_CACHE_MS);
    expect((await metrics.depths()).get('it.credit.commands.dead-letter')).toBe(4);
    expect(checked).toHaveLength(2);
  });

  it('leaves the depths out rather than waiting while the broker is down', async () => {
    const { broker, checked } = aBroker({ messages: 1 }, { now: false });
    const metrics = new DeadLetterMetrics(broker, new Topology(options), options);
    metrics.onModuleInit();

    expect(await register.metrics()).not.toContain('sagaflow_dead_letter_queue_depth{');
    expect(checked).toEqual([]);
    await metrics.onModuleDestroy();
  });
});

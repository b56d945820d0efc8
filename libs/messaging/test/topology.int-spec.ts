import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { HealthIndicatorService } from '@nestjs/terminus';
import { connect, type ChannelModel } from 'amqplib';
import { BrokerConnection, REPLIES_QUEUE, Topology } from '@app/messaging';
// This lib's own internals, which its public face does not offer.
import { resolveMessagingOptions } from '../src/messaging.options.js';
import { eventuallyValue } from '../../../test/support/eventually.js';
import { AMQP_URL, ScratchNamespace } from '../../../test/support/scratch-namespace.js';

const RUN = randomUUID().slice(0, 8);
const namespace = new ScratchNamespace(`test-topology-${RUN}.`, ['order']);
const { topology } = namespace;
/** A participant's broker user as prod has it: no configure permission at all. */
const PARTICIPANT_USER = `sagaflow-topology-${RUN}`;
const PASSWORD = randomUUID();

function brokerConnection(
  url: string,
  queues: { consume: string[]; declareTopology: boolean },
): BrokerConnection {
  const options = resolveMessagingOptions({
    url,
    connectionName: `topology-${RUN}`,
    services: ['order'],
    namespace: namespace.prefix,
    ...queues,
  });
  return new BrokerConnection(options, new HealthIndicatorService(), new Topology(options));
}

/** What the broker has of the namespace, seen through a connection of the test's own. */
async function existing(model: ChannelModel): Promise<string[]> {
  const found: string[] = [];
  const names = [
    ...[topology.commandsExchange, topology.repliesExchange, topology.deadLetterExchange].map(
      (name) => ['exchange', name] as const,
    ),
    ...topology.queues.flatMap((logical) => [
      ['queue', topology.queue(logical)] as const,
      ['queue', topology.deadLetterQueue(logical)] as const,
    ]),
  ];
  for (const [kind, name] of names) {
    // A missing one closes the channel: one channel per check.
    const channel = await model.createChannel();
    channel.on('error', () => undefined);
    const check = kind === 'exchange' ? channel.checkExchange(name) : channel.checkQueue(name);
    if (await check.then(() => true).catch(() => false)) found.push(name);
    await channel.close().catch(() => undefined);
  }
  return found;
}

describe('an app that does not declare the topology (AMQP_DECLARE_TOPOLOGY=false)', () => {
  let observer: ChannelModel;
  const started: BrokerConnection[] = [];

  beforeAll(async () => {
    execFileSync('rabbitmqctl', ['add_user', PARTICIPANT_USER, PASSWORD], { stdio: 'ignore' });
    execFileSync('rabbitmqctl', ['set_permissions', PARTICIPANT_USER, '^$', '.*', '.*'], {
      stdio: 'ignore',
    });
    observer = await connect(AMQP_URL);
    observer.on('error', () => undefined);
  });

  afterAll(async () => {
    for (const connection of started) await connection.onApplicationShutdown();
    await observer?.close().catch(() => undefined);
    execFileSync('rabbitmqctl', ['delete_user', PARTICIPANT_USER], { stdio: 'ignore' });
    await namespace.delete();
  });

  it('creates nothing and stays unready, saying why, until the orchestrator has declared it', async () => {
    const participant = brokerConnection(`amqp://${PARTICIPANT_USER}:${PASSWORD}@127.0.0.1:5672`, {
      consume: ['order.commands'],
      declareTopology: false,
    });
    started.push(participant);
    await participant.onApplicationBootstrap();

    const unready = await eventuallyValue(
      () => participant.isReady(),
      (result) => result.broker.status === 'down' && /has no/.test(String(result.broker.message)),
      { what: 'readiness says the topology is missing' },
    );
    expect(String(unready.broker.message)).toMatch(
      new RegExp(`has no exchange ${namespace.prefix}sagaflow.commands yet.*AMQP_DECLARE_TOPOLOGY`),
    );
    expect(await existing(observer)).toEqual([]);

    const orchestrator = brokerConnection(AMQP_URL, {
      consume: [REPLIES_QUEUE],
      declareTopology: true,
    });
    started.push(orchestrator);
    await orchestrator.onApplicationBootstrap();

    // The participant retries with its backoff and finds what the orchestrator declared.
    await eventuallyValue(
      () => participant.isReady(),
      (result) => result.broker.status === 'up',
      { timeoutMs: 15_000, what: 'the participant is ready once the topology exists' },
    );
    expect(participant.isConnected()).toBe(true);
    expect(await existing(observer)).toHaveLength(3 + 2 * topology.queues.length);
  }, 30_000);
});

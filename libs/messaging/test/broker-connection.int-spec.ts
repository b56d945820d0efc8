import { randomUUID } from 'node:crypto';
import { createServer, connect as connectTcp, type AddressInfo, type Socket } from 'node:net';
import { afterAll, describe, expect, it } from '@jest/globals';
import { HealthIndicatorService } from '@nestjs/terminus';
import type { ChannelModel } from 'amqplib';
import { BrokerConnection, Topology } from '@app/messaging';
// This lib's own internals, which its public face does not offer.
import { resolveMessagingOptions } from '../src/messaging.options.js';
import { eventually } from '../../../test/support/eventually.js';
import { ScratchNamespace } from '../../../test/support/scratch-namespace.js';

const RUN = randomUUID().slice(0, 8);
const namespace = new ScratchNamespace(`test-broker-connection-${RUN}.`, ['order']);

/** A TCP proxy in front of RabbitMQ whose connections the test can drop. */
async function brokerProxy() {
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = connectTcp(5672, '127.0.0.1');
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('error', () => undefined);
      socket.on('close', () => sockets.delete(socket));
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `amqp://guest:guest@127.0.0.1:${(server.address() as AddressInfo).port}`,
    dropAll: () => sockets.forEach((socket) => socket.destroy()),
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

/** Declares the topology, but holds its first declaration until `release()`. */
class HeldTopology extends Topology {
  private releaseFirst!: () => void;
  private readonly firstHeld = new Promise<void>((resolve) => (this.releaseFirst = resolve));
  private calls = 0;
  entered!: () => void;
  readonly firstEntered = new Promise<void>((resolve) => (this.entered = resolve));

  override async declare(model: ChannelModel): Promise<void> {
    this.calls += 1;
    if (this.calls === 1) {
      this.entered();
      await this.firstHeld;
    }
    return super.declare(model);
  }

  release(): void {
    this.releaseFirst();
  }
}

describe('the broker connection', () => {
  const cleanups: (() => Promise<unknown>)[] = [];

  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
    await namespace.delete();
  });

  it('survives losing the connection while it declares the topology, and reconnects', async () => {
    const proxy = await brokerProxy();
    cleanups.push(proxy.close);
    const options = resolveMessagingOptions({
      url: proxy.url,
      connectionName: `broker-connection-${RUN}`,
      services: ['order'],
      namespace: namespace.prefix,
      consume: [],
      declareTopology: true,
    });
    const topology = new HeldTopology(options);
    const connection = new BrokerConnection(options, new HealthIndicatorService(), topology);
    cleanups.push(() => connection.onApplicationShutdown());
    await connection.onApplicationBootstrap();

    // Connected and setting up: the broker goes away now (a restart, a cut).
    await topology.firstEntered;
    proxy.dropAll();
    topology.release();

    // Before the fix the lost connection's 'error' had no listener and ended the process.
    await eventually(() => connection.isConnected(), {
      timeoutMs: 15_000,
      what: 'connected again after the connection was lost during setup',
    });
    expect(connection.isConnected()).toBe(true);
  }, 30_000);
});

import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { order } from '@app/contracts';
import pg from 'pg';
import { launchApp, stopApp, waitForStatus, type RunningApp } from './support/app-process.js';
import { CommandClient, newTraceparent } from './support/command-client.js';
import { eventually } from './support/eventually.js';
import { rabbitmq } from './support/infrastructure.js';
import { databaseUrlFor, envFor } from './support/system.js';

const ORDER = { port: 4202, role: 'sagaflow_order' };
const total = { amount: 1250, currency: 'EUR' };

function startOrder(namespace: string, extra: Record<string, string> = {}): RunningApp {
  return launchApp('order', envFor(ORDER, { AMQP_NAMESPACE: namespace, ...extra }));
}

async function count(sql: string, parameters: unknown[] = []): Promise<number> {
  const client = new pg.Client({ connectionString: databaseUrlFor(ORDER.role) });
  await client.connect();
  try {
    const { rows } = await client.query<{ count: string }>(sql, parameters);
    return Number(rows[0].count);
  } finally {
    await client.end();
  }
}

const countOrders = (ids: string[]) =>
  count('SELECT count(*) FROM orders WHERE id = ANY($1::uuid[])', [ids]);

/**
 * A barrier: once no outbox row is left unsent, no relay will publish one again; a marker command
 * answered after that has its reply behind any earlier one on the replies queue.
 */
async function settleReplies(client: CommandClient): Promise<void> {
  await eventually(
    async () => (await count('SELECT count(*) FROM outbox WHERE sent_at IS NULL')) === 0,
    {
      what: 'every outbox row is sent',
    },
  );
  await client.roundTrip(order.CreatePendingOrder, {
    orderId: randomUUID(),
    customerId: randomUUID(),
    total,
  });
}

/** Distinct replies (by message id): a relay may publish a row twice, never two different replies. */
const distinctReplies = (client: CommandClient, messageId: string) =>
  new Set((client.replies.get(messageId) ?? []).map((reply) => reply.messageId)).size;

describe('delivery guarantees of a participant running as a process', () => {
  let client: CommandClient;
  let apps: RunningApp[] = [];

  afterEach(async () => {
    await Promise.all(apps.map((app) => stopApp(app)));
    apps = [];
    await client?.close();
    await client?.deleteTopology();
  });

  // Whatever a failed test left behind, the broker runs before and after this suite.
  beforeAll(() => rabbitmq.start());
  afterAll(() => rabbitmq.start());

  it('publishes a committed reply after a crash between commit and publish, with one effect', async () => {
    const namespace = `e2e-crash-${randomUUID().slice(0, 6)}.`;
    client = new CommandClient(namespace);
    await client.open();
    const crashing = startOrder(namespace, { FAULT_INJECTION: 'crash-before-outbox-publish' });
    apps.push(crashing);
    await waitForStatus(`${crashing.url}/health/ready`, 200, 60_000);

    const orderId = randomUUID();
    const sent = await client.send(order.CreatePendingOrder, {
      orderId,
      customerId: randomUUID(),
      total,
    });
    await crashing.exited;
    expect(crashing.process.signalCode).toBe('SIGKILL');
    expect(await countOrders([orderId])).toBe(1);
    expect(client.replies.has(sent.messageId)).toBe(false);

    const restarted = startOrder(namespace);
    apps.push(restarted);
    await client.waitForReplies([sent.messageId], 30_000);
    await settleReplies(client); // a second reply, which must not come, would be in by now
    expect(distinctReplies(client, sent.messageId)).toBe(1);
    expect(client.replies.get(sent.messageId)?.[0].type).toBe(order.OrderCreated.type);
    expect(await countOrders([orderId])).toBe(1);
  }, 120_000);

  it('handles each of 1,000 commands once through a RabbitMQ outage, without restarting', async () => {
    const namespace = `e2e-outage-${randomUUID().slice(0, 6)}.`;
    client = new CommandClient(namespace);
    await client.open();
    const app = startOrder(namespace);
    apps.push(app);
    await waitForStatus(`${app.url}/health/ready`, 200, 60_000);
    const pid = app.process.pid;

    const orderIds = Array.from({ length: 1000 }, () => randomUUID());
    const sentIds: string[] = [];
    let published = 0;
    const producer = (async () => {
      for (const orderId of orderIds) {
        const sent = await client.sendReliably(order.CreatePendingOrder, {
          orderId,
          customerId: randomUUID(),
          total,
        });
        sentIds.push(sent.messageId);
        published += 1;
      }
    })();

    await eventually(() => published >= 300, { what: '300 commands published' });
    await rabbitmq.stop();
    // The broker stays down until the app has seen it go (its readiness fails), mid-stream.
    await waitForStatus(`${app.url}/health/ready`, 503, 30_000);
    await rabbitmq.start();
    await producer;

    await client.waitForReplies(sentIds, 90_000);
    expect(sentIds.every((id) => distinctReplies(client, id) === 1)).toBe(true);
    expect(await countOrders(orderIds)).toBe(1000);
    expect(app.process.pid).toBe(pid);
    expect(app.process.exitCode).toBeNull();
    await waitForStatus(`${app.url}/health/ready`, 200, 10_000);
  }, 240_000);

  it('writes the trace and message ids into every log line of the handling', async () => {
    const namespace = `e2e-trace-${randomUUID().slice(0, 6)}.`;
    client = new CommandClient(namespace);
    await client.open();
    const app = startOrder(namespace, { LOG_LEVEL: 'debug' });
    apps.push(app);
    await waitForStatus(`${app.url}/health/ready`, 200, 60_000);

    const traceparent = newTraceparent();
    const traceId = traceparent.split('-')[1];
    const sent = await client.send(
      order.CreatePendingOrder,
      { orderId: randomUUID(), customerId: randomUUID(), total },
      { messageId: randomUUID(), traceparent },
    );
    await client.waitForReplies([sent.messageId], 30_000);

    const lines = app
      .output()
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((entry) => entry.messageId === sent.messageId);
    expect(lines.length).toBeGreaterThan(0);
    for (const entry of lines) expect(String(entry.traceparent)).toContain(traceId);
    expect(client.replies.get(sent.messageId)?.[0].traceparent).toContain(traceId);
  }, 120_000);
});

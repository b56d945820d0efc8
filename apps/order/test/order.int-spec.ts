import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { connect, type Channel, type ChannelModel, type GetMessage } from 'amqplib';
import pg from 'pg';
import { order } from '@app/contracts';
import {
  BrokerConnection,
  HEADERS,
  MessagingMetrics,
  REPLIES_QUEUE,
  Topology,
} from '@app/messaging';
import { loadOrderConfig } from '../src/order.config.js';
import { OrderModule } from '../src/order.module.js';

const DATABASE = 'sagaflow_it_order';
const NAMESPACE = 'it-order.';
const AMQP_URL = 'amqp://guest:guest@127.0.0.1:5672';
const ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

// Each command is one broker round trip plus the outbox relay: well under this.
jest.setTimeout(30_000);

const topology = new Topology({ namespace: NAMESPACE, services: ['order', 'credit', 'payment'] });
const repliesQueue = topology.queue(REPLIES_QUEUE);
let app: INestApplication;
let baseUrl: string;
let amqp: ChannelModel;
let channel: Channel;
/** Replies drained from the queue but not yet claimed by a test, by correlation id. */
const pending = new Map<string, GetMessage>();

type OrderCommand =
  typeof order.CreatePendingOrder | typeof order.ApproveOrder | typeof order.RejectOrder;

interface Reply {
  type: string;
  body: Record<string, unknown>;
}

async function dropDatabase(): Promise<void> {
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${DATABASE} WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}

/** Publishes a command as the orchestrator's relay would; the reply comes to our namespace. */
function send(command: OrderCommand, payload: unknown, messageId: string = randomUUID()): string {
  channel.publish(topology.commandsExchange, command.type, Buffer.from(JSON.stringify(payload)), {
    messageId,
    type: command.type,
    correlationId: messageId,
    replyTo: REPLIES_QUEUE,
    persistent: true,
    headers: {
      [HEADERS.schemaVersion]: command.schemaVersion,
      [HEADERS.traceparent]: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
      [HEADERS.occurredAt]: new Date().toISOString(),
    },
  });
  return messageId;
}

async function drainReplies(): Promise<void> {
  for (;;) {
    const message = await channel.get(repliesQueue, { noAck: true });
    if (!message) return;
    pending.set(String(message.properties.correlationId), message);
  }
}

/** Waits for the reply to the command sent with `messageId`. */
async function replyTo(messageId: string, timeoutMs = 20_000): Promise<Reply> {
  const deadline = Date.now() + timeoutMs;
  while (!pending.has(messageId)) {
    if (Date.now() > deadline) throw new Error(`no reply to ${messageId} in time`);
    await drainReplies();
    if (!pending.has(messageId)) await sleep(20);
  }
  const message = pending.get(messageId)!;
  pending.delete(messageId);
  return {
    type: String(message.properties.type),
    body: JSON.parse(message.content.toString()) as Record<string, unknown>,
  };
}

/** Sends a command and waits for its reply. */
async function roundTrip(command: OrderCommand, payload: unknown): Promise<Reply> {
  return replyTo(send(command, payload));
}

async function get(path: string) {
  const response = await fetch(`${baseUrl}${path}`);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

function aCreatePendingOrder(customerId: string = randomUUID()): order.CreatePendingOrder {
  return { orderId: randomUUID(), customerId, total: { amount: 4200, currency: 'EUR' } };
}

async function aPendingOrder(customerId?: string): Promise<order.CreatePendingOrder> {
  const command = aCreatePendingOrder(customerId);
  expect((await roundTrip(order.CreatePendingOrder, command)).type).toBe(order.OrderCreated.type);
  return command;
}

async function eventually(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(20);
  }
}

beforeAll(async () => {
  await dropDatabase();
  const config = loadOrderConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    SHUTDOWN_GRACE_MS: '0',
    DATABASE_URL: `postgres://sagaflow_order@127.0.0.1:5432/${DATABASE}`,
    AMQP_URL,
    AMQP_NAMESPACE: NAMESPACE,
  });
  const moduleRef = await Test.createTestingModule({
    imports: [OrderModule.register(config)],
  }).compile();
  app = moduleRef.createNestApplication();
  await app.listen(0, '127.0.0.1');
  baseUrl = (await app.getUrl()).replace('[::1]', '127.0.0.1');

  await app.get(BrokerConnection).model.waitForConnect();
  amqp = await connect(AMQP_URL, { noDelay: true });
  channel = await amqp.createChannel();
  const deadline = Date.now() + 10_000;
  while ((await channel.checkQueue(topology.queue('order.commands'))).consumerCount === 0) {
    if (Date.now() > deadline) throw new Error('order never consumed its queue');
    await sleep(50);
  }
});

afterAll(async () => {
  await app?.close();
  if (channel) {
    for (const queue of topology.queues) {
      await channel.deleteQueue(topology.queue(queue));
      await channel.deleteQueue(topology.deadLetterQueue(queue));
    }
    for (const exchange of [
      topology.commandsExchange,
      topology.repliesExchange,
      topology.deadLetterExchange,
    ]) {
      await channel.deleteExchange(exchange);
    }
  }
  await amqp?.close();
  await dropDatabase();
});

describe('order against PostgreSQL and RabbitMQ', () => {
  describe('commands', () => {
    it('creates a pending order, then approves it', async () => {
      const command = aCreatePendingOrder();
      expect(await roundTrip(order.CreatePendingOrder, command)).toEqual({
        type: order.OrderCreated.type,
        body: { orderId: command.orderId, status: 'PENDING' },
      });
      expect((await get(`/orders/${command.orderId}`)).body).toMatchObject({ status: 'PENDING' });

      expect(await roundTrip(order.ApproveOrder, { orderId: command.orderId })).toEqual({
        type: order.OrderApproved.type,
        body: { orderId: command.orderId, status: 'APPROVED' },
      });
      const { status, body } = await get(`/orders/${command.orderId}`);
      expect(status).toBe(200);
      expect(body).toEqual({
        id: command.orderId,
        customerId: command.customerId,
        total: { amount: 4200, currency: 'EUR' },
        status: 'APPROVED',
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
      });
      expect(Date.parse(String(body.updatedAt))).toBeGreaterThan(
        Date.parse(String(body.createdAt)),
      );
    });

    it('rejects a pending order with the reason', async () => {
      const { orderId } = await aPendingOrder();
      expect(
        await roundTrip(order.RejectOrder, { orderId, reason: 'insufficient credit' }),
      ).toEqual({ type: order.OrderRejected.type, body: { orderId, status: 'REJECTED' } });
      expect((await get(`/orders/${orderId}`)).body).toMatchObject({
        status: 'REJECTED',
        rejectionReason: 'insufficient credit',
      });
    });

    it('handles a command delivered twice once, with one reply', async () => {
      const metrics = app.get(MessagingMetrics);
      const duplicatesBefore = metrics.duplicates;
      const command = aCreatePendingOrder();
      const messageId = send(order.CreatePendingOrder, command);
      send(order.CreatePendingOrder, command, messageId);

      expect((await replyTo(messageId)).type).toBe(order.OrderCreated.type);
      await eventually(() => metrics.duplicates === duplicatesBefore + 1);
      await sleep(200);
      await drainReplies();
      expect(pending.has(messageId)).toBe(false);
    });

    it('answers a repeated create or decision with a new message id as the first time', async () => {
      const command = await aPendingOrder();
      expect(await roundTrip(order.CreatePendingOrder, command)).toEqual({
        type: order.OrderCreated.type,
        body: { orderId: command.orderId, status: 'PENDING' },
      });
      const { orderId } = command;
      await roundTrip(order.ApproveOrder, { orderId });
      expect((await roundTrip(order.ApproveOrder, { orderId })).type).toBe(
        order.OrderApproved.type,
      );
      const { body } = await get(`/orders?customerId=${command.customerId}`);
      expect(body.items).toHaveLength(1);
    });

    it('refuses to approve an unknown order', async () => {
      const orderId = randomUUID();
      expect(await roundTrip(order.ApproveOrder, { orderId })).toEqual({
        type: order.OrderApprovalFailed.type,
        body: { code: 'order.not-found', reason: `order ${orderId} does not exist` },
      });
      expect((await get(`/orders/${orderId}`)).status).toBe(404);
    });

    it('refuses to reject an approved order or to approve a rejected one', async () => {
      const approved = await aPendingOrder();
      await roundTrip(order.ApproveOrder, { orderId: approved.orderId });
      expect(await roundTrip(order.RejectOrder, { orderId: approved.orderId })).toEqual({
        type: order.OrderRejectionFailed.type,
        body: { code: 'order.not-pending', reason: expect.stringContaining('is APPROVED') },
      });

      const rejected = await aPendingOrder();
      await roundTrip(order.RejectOrder, { orderId: rejected.orderId });
      expect(await roundTrip(order.ApproveOrder, { orderId: rejected.orderId })).toEqual({
        type: order.OrderApprovalFailed.type,
        body: { code: 'order.not-pending', reason: expect.stringContaining('is REJECTED') },
      });

      expect((await get(`/orders/${approved.orderId}`)).body.status).toBe('APPROVED');
      expect((await get(`/orders/${rejected.orderId}`)).body.status).toBe('REJECTED');
    });

    it('refuses a create that arrives after the order was rejected, and keeps it rejected', async () => {
      const command = aCreatePendingOrder();
      expect(
        await roundTrip(order.RejectOrder, {
          orderId: command.orderId,
          reason: 'create timed out',
        }),
      ).toEqual({
        type: order.OrderRejected.type,
        body: { orderId: command.orderId, status: 'REJECTED' },
      });

      expect(await roundTrip(order.CreatePendingOrder, command)).toEqual({
        type: order.OrderCreationFailed.type,
        body: {
          code: 'order.already-exists',
          reason: `order ${command.orderId} was rejected before it was created`,
        },
      });
      expect((await get(`/orders/${command.orderId}`)).body).toEqual({
        id: command.orderId,
        customerId: null,
        total: null,
        status: 'REJECTED',
        rejectionReason: 'create timed out',
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
      });
      expect((await get(`/orders?customerId=${command.customerId}`)).body.items).toEqual([]);
    });
    it('ends every order rejected when its create and its reject race', async () => {
      const commands = Array.from({ length: 20 }, () => aCreatePendingOrder());
      const races = commands.map((command) => ({
        create: send(order.CreatePendingOrder, command),
        reject: send(order.RejectOrder, { orderId: command.orderId, reason: 'timed out' }),
      }));

      for (const [i, race] of races.entries()) {
        const create = await replyTo(race.create);
        expect(await replyTo(race.reject)).toEqual({
          type: order.OrderRejected.type,
          body: { orderId: commands[i].orderId, status: 'REJECTED' },
        });
        const { body } = await get(`/orders/${commands[i].orderId}`);
        expect(body).toMatchObject({ status: 'REJECTED', rejectionReason: 'timed out' });
        // Either the create won and was then rejected, or the reject fenced it out.
        expect(body.customerId).toBe(
          create.type === order.OrderCreated.type ? commands[i].customerId : null,
        );
      }
    });
  });

  describe('GET /orders/:id', () => {
    it('answers 404 for an unknown order and 400 for an id that is not a UUID', async () => {
      const orderId = randomUUID();
      expect(await get(`/orders/${orderId}`)).toEqual({
        status: 404,
        body: { statusCode: 404, error: 'Not Found', message: `order ${orderId} does not exist` },
      });
      expect(await get('/orders/not-a-uuid')).toEqual({
        status: 400,
        body: { statusCode: 400, error: 'Bad Request', message: expect.stringContaining('uuid') },
      });
    });
  });

  describe('GET /orders', () => {
    it("pages through a customer's orders, newest first", async () => {
      const customerId = randomUUID();
      const created: string[] = [];
      for (let i = 0; i < 5; i += 1) created.push((await aPendingOrder(customerId)).orderId);
      await aPendingOrder();
      const newestFirst = [...created].reverse();

      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const query: string = `customerId=${customerId}&limit=2${cursor ? `&cursor=${cursor}` : ''}`;
        const { status, body } = await get(`/orders?${query}`);
        expect(status).toBe(200);
        const items = body.items as { id: string; customerId: string }[];
        expect(items.length).toBeLessThanOrEqual(2);
        expect(items.every((item) => item.customerId === customerId)).toBe(true);
        seen.push(...items.map((item) => item.id));
        cursor = body.nextCursor as string | null;
        pages += 1;
      } while (cursor);
      expect(seen).toEqual(newestFirst);
      expect(pages).toBe(3);
    });

    it('lists every customer with a default page size of 20', async () => {
      await Promise.all(Array.from({ length: 21 }, () => aPendingOrder()));
      const { status, body } = await get('/orders');
      expect(status).toBe(200);
      expect(body.items).toHaveLength(20);
      expect(body.nextCursor).toEqual(expect.any(String));
    });

    it.each([
      ['limit=0', 'limit: must be a whole number from 1 to 100'],
      ['limit=101', 'limit: must be a whole number from 1 to 100'],
      ['limit=abc', 'limit: must be a whole number from 1 to 100'],
      ['limit=2.5', 'limit: must be a whole number from 1 to 100'],
      ['customerId=42', 'customerId: must be a UUID'],
      ['cursor=next', 'cursor: must be the nextCursor of a previous page'],
      [`cursor=${randomUUID()}`, 'cursor: must be the nextCursor of a previous page'],
      ['status=PENDING', 'unknown query parameter status'],
    ])('answers 400 for %s', async (query, message) => {
      expect(await get(`/orders?${query}`)).toEqual({
        status: 400,
        body: { statusCode: 400, error: 'Bad Request', message },
      });
    });
  });
});

import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import { connect, type Channel, type ChannelModel, type GetMessage } from 'amqplib';
import pg from 'pg';
import { credit, type Money } from '@app/contracts';
import { BrokerConnection, HEADERS, REPLIES_QUEUE, Topology } from '@app/messaging';
import { loadCreditConfig } from '../src/credit.config.js';
import { CreditModule } from '../src/credit.module.js';

const DATABASE = 'sagaflow_it_credit';
const NAMESPACE = 'it-credit.';
const AMQP_URL = 'amqp://guest:guest@127.0.0.1:5672';
const ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

// 100 concurrent reservations and their replies through the outbox stay well under this.
jest.setTimeout(30_000);

const topology = new Topology({ namespace: NAMESPACE, services: ['order', 'credit', 'payment'] });
const repliesQueue = topology.queue(REPLIES_QUEUE);
let app: INestApplication;
let baseUrl: string;
let amqp: ChannelModel;
let channel: Channel;
/** Replies drained from the queue but not yet claimed by a test, by correlation id. */
const pending = new Map<string, GetMessage>();

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
function send(
  command: typeof credit.ReserveCredit | typeof credit.ReleaseCredit,
  payload: credit.ReserveCredit | credit.ReleaseCredit,
  messageId: string = randomUUID(),
): string {
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

/** Waits for the replies to the given commands (by correlation id), in the same order. */
async function repliesTo(messageIds: string[], timeoutMs = 20_000): Promise<Reply[]> {
  const deadline = Date.now() + timeoutMs;
  while (!messageIds.every((id) => pending.has(id))) {
    if (Date.now() > deadline) throw new Error('replies did not arrive in time');
    const message = await channel.get(repliesQueue, { noAck: true });
    if (message) pending.set(String(message.properties.correlationId), message);
    else await sleep(20);
  }
  return messageIds.map((id) => {
    const message = pending.get(id)!;
    pending.delete(id);
    return {
      type: String(message.properties.type),
      body: JSON.parse(message.content.toString()) as Record<string, unknown>,
    };
  });
}

async function replyTo(messageId: string): Promise<Reply> {
  const [reply] = await repliesTo([messageId]);
  return reply;
}

async function http(method: 'GET' | 'POST', path: string, body?: unknown) {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function aCustomer(creditLimit: Money): Promise<string> {
  const { status, body } = await http('POST', '/customers', { name: 'Ada', creditLimit });
  expect(status).toBe(201);
  return String(body.id);
}

async function creditOf(customerId: string) {
  const { status, body } = await http('GET', `/customers/${customerId}/credit`);
  expect(status).toBe(200);
  return body;
}

function aReserveCredit(customerId: string, amount = 100): credit.ReserveCredit {
  return { orderId: randomUUID(), customerId, total: { amount, currency: 'EUR' } };
}

const eur = (amount: number): Money => ({ amount, currency: 'EUR' });

beforeAll(async () => {
  await dropDatabase();
  const config = loadCreditConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    DATABASE_URL: `postgres://sagaflow_credit@127.0.0.1:5432/${DATABASE}`,
    AMQP_URL,
    AMQP_NAMESPACE: NAMESPACE,
  });
  const moduleRef = await Test.createTestingModule({
    imports: [CreditModule.register(config)],
  }).compile();
  // As startApp does: our own JSON body parser.
  app = moduleRef.createNestApplication<NestExpressApplication>({ bodyParser: false });
  (app as NestExpressApplication).useBodyParser('json', { limit: '100kb' });
  await app.listen(0, '127.0.0.1');
  baseUrl = (await app.getUrl()).replace('[::1]', '127.0.0.1');

  await app.get(BrokerConnection).model.waitForConnect();
  amqp = await connect(AMQP_URL, { noDelay: true });
  channel = await amqp.createChannel();
  const deadline = Date.now() + 10_000;
  while ((await channel.checkQueue(topology.queue('credit.commands'))).consumerCount === 0) {
    if (Date.now() > deadline) throw new Error('credit never consumed its queue');
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

describe('credit against PostgreSQL and RabbitMQ', () => {
  describe('ReserveCredit', () => {
    it('reserves exactly what the limit covers when 100 reservations arrive at once', async () => {
      const customerId = await aCustomer(eur(40 * 25));
      const commands = Array.from({ length: 100 }, () => aReserveCredit(customerId, 25));
      const replies = await repliesTo(
        commands.map((command) => send(credit.ReserveCredit, command)),
      );

      const reserved = replies.filter((reply) => reply.type === credit.CreditReserved.type);
      const refused = replies.filter((reply) => reply.type === credit.CreditReservationFailed.type);
      expect(reserved).toHaveLength(40);
      expect(refused).toHaveLength(60);
      expect(new Set(refused.map((reply) => reply.body.code))).toEqual(
        new Set(['credit.insufficient-credit']),
      );
      expect(await creditOf(customerId)).toEqual({
        customerId,
        creditLimit: eur(1000),
        availableCredit: eur(0),
        reserved: eur(1000),
      });
    });

    it('reserves once when the same command is delivered twice', async () => {
      const customerId = await aCustomer(eur(1000));
      const command = aReserveCredit(customerId, 300);
      const messageId = send(credit.ReserveCredit, command);
      send(credit.ReserveCredit, command, messageId);

      const reply = await replyTo(messageId);
      expect(reply).toEqual({
        type: credit.CreditReserved.type,
        body: {
          reservationId: expect.any(String),
          orderId: command.orderId,
          customerId,
          amount: eur(300),
        },
      });
      // A duplicate of a handled message gets no second reply; give it time to show up if it did.
      await sleep(500);
      expect(await channel.get(repliesQueue)).toBe(false);
      expect(await creditOf(customerId)).toMatchObject({
        availableCredit: eur(700),
        reserved: eur(300),
      });
    });

    it('returns the same reservation when the order is reserved again by a new command', async () => {
      const customerId = await aCustomer(eur(1000));
      const command = aReserveCredit(customerId, 300);
      const first = await replyTo(send(credit.ReserveCredit, command));
      const second = await replyTo(send(credit.ReserveCredit, command));

      expect(second).toEqual(first);
      expect(await creditOf(customerId)).toMatchObject({ availableCredit: eur(700) });
    });

    it('refuses an unknown customer and another currency', async () => {
      const customerId = await aCustomer(eur(1000));
      const [unknown, otherCurrency] = await repliesTo([
        send(credit.ReserveCredit, aReserveCredit(randomUUID())),
        send(credit.ReserveCredit, {
          ...aReserveCredit(customerId),
          total: { amount: 100, currency: 'USD' },
        }),
      ]);

      expect(unknown.type).toBe(credit.CreditReservationFailed.type);
      expect(unknown.body.code).toBe('credit.unknown-customer');
      expect(otherCurrency.body.code).toBe('credit.currency-mismatch');
      expect(await creditOf(customerId)).toMatchObject({ availableCredit: eur(1000) });
    });
  });

  describe('ReleaseCredit', () => {
    it('gives the credit back, and answers the same when released again', async () => {
      const customerId = await aCustomer(eur(1000));
      const command = aReserveCredit(customerId, 400);
      const reserved = await replyTo(send(credit.ReserveCredit, command));
      const reservationId = String(reserved.body.reservationId);

      const release = { orderId: command.orderId, reservationId };
      const first = await replyTo(send(credit.ReleaseCredit, release));
      const again = await replyTo(send(credit.ReleaseCredit, release));

      const released = { orderId: command.orderId, reservationId, outcome: 'released' };
      expect(first).toEqual({ type: credit.CreditReleased.type, body: released });
      expect(again).toEqual(first);
      expect(await creditOf(customerId)).toMatchObject({
        availableCredit: eur(1000),
        reserved: eur(0),
      });
    });

    it('fences an order released before it was reserved, so the late reservation is refused', async () => {
      const customerId = await aCustomer(eur(1000));
      const command = aReserveCredit(customerId, 400);

      const fenced = await replyTo(send(credit.ReleaseCredit, { orderId: command.orderId }));
      const late = await replyTo(send(credit.ReserveCredit, command));

      expect(fenced).toEqual({
        type: credit.CreditReleased.type,
        body: { orderId: command.orderId, outcome: 'fenced' },
      });
      expect(late.type).toBe(credit.CreditReservationFailed.type);
      expect(late.body.code).toBe('credit.reservation-fenced');
      expect(await creditOf(customerId)).toMatchObject({
        availableCredit: eur(1000),
        reserved: eur(0),
      });
    });

    it('refuses a release that names another reservation of the order', async () => {
      const customerId = await aCustomer(eur(1000));
      const command = aReserveCredit(customerId, 400);
      await replyTo(send(credit.ReserveCredit, command));

      const reply = await replyTo(
        send(credit.ReleaseCredit, { orderId: command.orderId, reservationId: randomUUID() }),
      );

      expect(reply.type).toBe(credit.CreditReleaseFailed.type);
      expect(reply.body.code).toBe('credit.unknown-reservation');
      expect(await creditOf(customerId)).toMatchObject({ reserved: eur(400) });
    });
  });

  describe('HTTP', () => {
    it('creates a customer with all of its limit available', async () => {
      const { status, body } = await http('POST', '/customers', {
        name: 'Grace',
        creditLimit: eur(5000),
      });

      expect(status).toBe(201);
      expect(body).toEqual({
        id: expect.any(String),
        name: 'Grace',
        creditLimit: eur(5000),
        availableCredit: eur(5000),
      });
      expect(await creditOf(String(body.id))).toEqual({
        customerId: body.id,
        creditLimit: eur(5000),
        availableCredit: eur(5000),
        reserved: eur(0),
      });
    });

    it.each([
      ['an unknown field', { name: 'Ada', creditLimit: eur(1), role: 'admin' }],
      ['a negative limit', { name: 'Ada', creditLimit: eur(-1) }],
      ['a fractional limit', { name: 'Ada', creditLimit: eur(1.5) }],
      ['a bad currency', { name: 'Ada', creditLimit: { amount: 1, currency: 'EURO' } }],
    ])('refuses a customer with %s', async (_case, body) => {
      const response = await http('POST', '/customers', body);

      expect(response).toEqual({
        status: 400,
        body: {
          statusCode: 400,
          error: 'Bad Request',
          message: 'Invalid customer',
          details: [expect.objectContaining({ path: expect.any(String) })],
        },
      });
    });

    it('answers 404 for an unknown customer and 400 for an id that is not a uuid', async () => {
      const unknown = await http('GET', `/customers/${randomUUID()}/credit`);
      const malformed = await http('GET', '/customers/42/credit');

      expect(unknown).toMatchObject({ status: 404, body: { statusCode: 404, error: 'Not Found' } });
      expect(malformed).toMatchObject({
        status: 400,
        body: { statusCode: 400, error: 'Bad Request', message: 'Invalid customer id' },
      });
    });
  });
});

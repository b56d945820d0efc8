import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { connect, type Channel, type ChannelModel } from 'amqplib';
import pg from 'pg';
import { payment, type CommandDefinition, type PayloadOf } from '@app/contracts';
import { BrokerConnection, HEADERS, REPLIES_QUEUE, Topology } from '@app/messaging';
import {
  PAYMENT_PROVIDER,
  type ChargeRequest,
  type ChargeResult,
} from '../src/payment-provider.js';
import { PaymentSimulatorProvider } from '../src/payment-simulator.provider.js';
import { loadPaymentConfig } from '../src/payment.config.js';
import { PaymentModule } from '../src/payment.module.js';

const AMQP_URL = 'amqp://guest:guest@127.0.0.1:5672';
const ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/postgres';
const DATABASE = 'sagaflow_it_payment';
const NAMESPACE = 'it-payment.';
const SLOW_MS = 400;

jest.setTimeout(30_000);

/** The shipped simulator, recording what the service asked of it. */
class RecordingSimulator extends PaymentSimulatorProvider {
  readonly charges: ChargeRequest[] = [];
  readonly voids: string[] = [];

  override charge(request: ChargeRequest): Promise<ChargeResult> {
    this.charges.push(request);
    return super.charge(request);
  }

  override void(reference: string): Promise<void> {
    this.voids.push(reference);
    return super.void(reference);
  }

  chargesOf(orderId: string): ChargeRequest[] {
    return this.charges.filter((request) => request.orderId === orderId);
  }
}

interface Reply {
  type: string;
  body: Record<string, unknown>;
}

const topology = new Topology({ namespace: NAMESPACE, services: ['order', 'credit', 'payment'] });
const simulator = new RecordingSimulator({ slowMs: SLOW_MS });
const replies = new Map<string, Reply>();
let app: INestApplication;
let baseUrl: string;
let amqp: ChannelModel;
let channel: Channel;

async function dropDatabase(): Promise<void> {
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${DATABASE} WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}

/** Publishes a command the way the orchestrator's relay would, replies going to our queue. */
function send<D extends CommandDefinition>(
  command: D,
  body: PayloadOf<D>,
  messageId = randomUUID(),
): string {
  channel.publish(topology.commandsExchange, command.type, Buffer.from(JSON.stringify(body)), {
    messageId,
    type: command.type,
    correlationId: messageId,
    replyTo: REPLIES_QUEUE,
    persistent: true,
    headers: {
      [HEADERS.schemaVersion]: command.schemaVersion,
      [HEADERS.traceparent]: `00-${randomUUID().replaceAll('-', '')}-00f067aa0ba902b7-01`,
      [HEADERS.occurredAt]: new Date().toISOString(),
      [HEADERS.sagaId]: randomUUID(),
    },
  });
  return messageId;
}

/** The reply caused by the command `messageId`. */
async function replyTo(messageId: string, timeoutMs = 10_000): Promise<Reply> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const message = await channel.get(topology.queue(REPLIES_QUEUE), { noAck: true });
    if (message) {
      const causation = String(message.properties.headers?.[HEADERS.causationId]);
      replies.set(causation, {
        type: String(message.properties.type),
        body: JSON.parse(message.content.toString()) as Record<string, unknown>,
      });
      continue;
    }
    const reply = replies.get(messageId);
    if (reply) return reply;
    if (Date.now() > deadline) throw new Error(`no reply to ${messageId}`);
    await sleep(25);
  }
}

async function paymentOf(orderId: string): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${baseUrl}/payments?orderId=${orderId}`);
  return { status: response.status, body: await response.json() };
}

function aChargePayment(paymentToken = 'tok_approve'): payment.ChargePayment {
  return {
    orderId: randomUUID(),
    customerId: randomUUID(),
    total: { amount: 4200, currency: 'EUR' },
    paymentToken,
  };
}

beforeAll(async () => {
  await dropDatabase();
  const config = loadPaymentConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'error',
    DATABASE_URL: `postgres://sagaflow_payment@127.0.0.1:5432/${DATABASE}`,
    AMQP_URL,
    AMQP_NAMESPACE: NAMESPACE,
    PAYMENT_SIMULATOR_SLOW_MS: String(SLOW_MS),
  });
  const moduleRef = await Test.createTestingModule({ imports: [PaymentModule.register(config)] })
    .overrideProvider(PAYMENT_PROVIDER)
    .useValue(simulator)
    .compile();
  app = moduleRef.createNestApplication({ logger: ['error'] });
  await app.listen(0, '127.0.0.1');
  baseUrl = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  await app.get(BrokerConnection).model.waitForConnect();

  amqp = await connect(AMQP_URL, { noDelay: true });
  channel = await amqp.createChannel();
  const commands = topology.queue('payment.commands');
  const deadline = Date.now() + 10_000;
  while ((await channel.checkQueue(commands)).consumerCount < 1) {
    if (Date.now() > deadline) throw new Error('payment never consumed its queue');
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

describe('payment against RabbitMQ and PostgreSQL', () => {
  it('charges tok_approve once and shows the payment', async () => {
    const command = aChargePayment('tok_approve');
    const reply = await replyTo(send(payment.ChargePayment, command));

    expect(reply).toEqual({
      type: payment.PaymentCharged.type,
      body: { paymentId: expect.any(String), orderId: command.orderId, amount: command.total },
    });
    expect(await paymentOf(command.orderId)).toEqual({
      status: 200,
      body: {
        id: reply.body.paymentId,
        orderId: command.orderId,
        status: 'CHARGED',
        amount: command.total,
        providerReference: expect.stringMatching(/^sim_ch_/),
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
      },
    });
  });

  it.each([
    ['tok_decline', 'payment.card-declined', 'the card was declined'],
    ['tok_insufficient_funds', 'payment.insufficient-funds', 'the card has insufficient funds'],
    ['tok_unknown', 'payment.card-declined', expect.stringContaining('unknown test token')],
  ])('answers %s with %s and charges nothing', async (token, code, reason) => {
    const command = aChargePayment(token);
    const reply = await replyTo(send(payment.ChargePayment, command));

    expect(reply).toEqual({ type: payment.PaymentChargeFailed.type, body: { code, reason } });
    // A failure reply undoes the handler's writes, so a declined charge leaves no row.
    expect((await paymentOf(command.orderId)).status).toBe(404);
  });

  it('charges tok_slow only after the simulator delay', async () => {
    const command = aChargePayment('tok_slow');
    const started = Date.now();
    const reply = await replyTo(send(payment.ChargePayment, command));

    expect(reply.type).toBe(payment.PaymentCharged.type);
    expect(Date.now() - started).toBeGreaterThanOrEqual(SLOW_MS);
  });

  it('retries tok_flaky after its transient error with the same idempotency key', async () => {
    const command = aChargePayment('tok_flaky');
    const reply = await replyTo(send(payment.ChargePayment, command));

    expect(reply.type).toBe(payment.PaymentCharged.type);
    const keys = simulator.chargesOf(command.orderId).map((request) => request.idempotencyKey);
    expect(keys).toEqual([`charge-${command.orderId}`, `charge-${command.orderId}`]);
    expect((await paymentOf(command.orderId)).body).toMatchObject({ status: 'CHARGED' });
  });

  it('charges an order once when ChargePayment arrives twice, answering both alike', async () => {
    const command = aChargePayment('tok_approve');
    const first = send(payment.ChargePayment, command);
    const second = send(payment.ChargePayment, command);

    const [one, two] = [await replyTo(first), await replyTo(second)];
    expect(one.type).toBe(payment.PaymentCharged.type);
    expect(two).toEqual(one);
    expect(simulator.chargesOf(command.orderId)).toHaveLength(1);
    expect((await paymentOf(command.orderId)).body).toMatchObject({
      id: one.body.paymentId,
      status: 'CHARGED',
    });
  });

  it('fences an order cancelled before its charge, and refuses the late charge', async () => {
    const command = aChargePayment('tok_approve');
    const cancelled = await replyTo(send(payment.CancelPayment, { orderId: command.orderId }));
    expect(cancelled).toEqual({
      type: payment.PaymentCancelled.type,
      body: { orderId: command.orderId, paymentId: expect.any(String), outcome: 'fenced' },
    });

    const late = await replyTo(send(payment.ChargePayment, command));
    expect(late).toEqual({
      type: payment.PaymentChargeFailed.type,
      body: { code: 'payment.fenced', reason: expect.stringContaining(command.orderId) },
    });
    expect(simulator.chargesOf(command.orderId)).toHaveLength(0);
    expect((await paymentOf(command.orderId)).body).toMatchObject({
      status: 'FENCED',
      amount: null,
      providerReference: null,
    });
  });

  it('voids a charged order through the provider when it is cancelled', async () => {
    const command = aChargePayment('tok_approve');
    const charged = await replyTo(send(payment.ChargePayment, command));
    const { providerReference } = (await paymentOf(command.orderId)).body as {
      providerReference: string;
    };

    const cancelled = await replyTo(send(payment.CancelPayment, { orderId: command.orderId }));
    expect(cancelled).toEqual({
      type: payment.PaymentCancelled.type,
      body: { orderId: command.orderId, paymentId: charged.body.paymentId, outcome: 'voided' },
    });
    expect(simulator.voids).toContain(providerReference);
    expect((await paymentOf(command.orderId)).body).toMatchObject({ status: 'VOIDED' });
  });

  it('lets exactly one of a slow charge and a concurrent cancel win', async () => {
    const command = aChargePayment('tok_slow');
    const charge = send(payment.ChargePayment, command);
    await sleep(50);
    const cancel = send(payment.CancelPayment, { orderId: command.orderId });

    const [charged, cancelled] = [await replyTo(charge), await replyTo(cancel)];
    const { status } = (await paymentOf(command.orderId)).body as { status: string };
    // The charge holds the order's row while the provider is slow, so the cancel voids it.
    expect([charged.type, cancelled.body.outcome, status]).toEqual([
      payment.PaymentCharged.type,
      'voided',
      'VOIDED',
    ]);
    expect(simulator.chargesOf(command.orderId)).toHaveLength(1);
  });

  it('answers 400 to an orderId that is not a UUID', async () => {
    expect((await paymentOf('not-a-uuid')).status).toBe(400);
  });
});

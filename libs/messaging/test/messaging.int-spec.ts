import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { Injectable } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { connect, type Channel, type ChannelModel, type GetMessage } from 'amqplib';
import pg from 'pg';
import { DataSource, type EntityManager, type MigrationInterface, type QueryRunner } from 'typeorm';
import { credit } from '@app/contracts';
import {
  BrokerConnection,
  DomainError,
  Handles,
  HEADERS,
  MessageBus,
  MessagingMetrics,
  MessagingModule,
  messagingMigrations,
  REPLIES_QUEUE,
  type MessageContext,
  type MessagingOptions,
} from '@app/messaging';
import { bootstrapDatabase, PersistenceModule } from '@app/persistence';
import { eventually } from '../../../test/support/eventually.js';
import { POSTGRES_ADMIN_URL, ScratchDatabase } from '../../../test/support/scratch-database.js';
import { AMQP_URL, ScratchNamespace } from '../../../test/support/scratch-namespace.js';

const database = new ScratchDatabase('sagaflow_messaging_test');
const APP_URL = database.urlFor('sagaflow_messaging_test');
const RUN = randomUUID().slice(0, 8);
/** A schema and a namespace per run: the database stays, each run removes its own. */
const SCHEMA = `messaging_${RUN}`;
const namespace = new ScratchNamespace(`test-${RUN}.`, ['credit']);
const { topology } = namespace;
const CREDIT_LIMIT = 1000;
/** Amounts that make the test handler fail like a broken infrastructure would. */
const ALWAYS_BROKEN = 13;
const BROKEN_ONCE = 14;
/** An amount refused with a failure that keeps the handler's writes (a recorded refusal). */
const REFUSED_ON_RECORD = 15;

jestTimeout();

class CreateReservations1795654000099 implements MigrationInterface {
  name = 'CreateReservations1795654000099';
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE reservations (id uuid PRIMARY KEY, order_id uuid NOT NULL, amount bigint NOT NULL)`,
    );
  }
  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE reservations`);
  }
}

class InsufficientCreditError extends DomainError {
  constructor(options: { keepWrites?: boolean } = {}) {
    super('credit.insufficient-credit', 'the order exceeds the credit limit', options);
  }
}

const failedOnce = new Set<string>();

@Injectable()
class CreditHandlers {
  @Handles(credit.ReserveCredit)
  async reserve(
    command: credit.ReserveCredit,
    { manager }: MessageContext,
  ): Promise<credit.CreditReserved> {
    const reservationId = randomUUID();
    await manager.query(`INSERT INTO reservations (id, order_id, amount) VALUES ($1, $2, $3)`, [
      reservationId,
      command.orderId,
      command.total.amount,
    ]);
    if (command.total.amount > CREDIT_LIMIT) throw new InsufficientCreditError();
    if (command.total.amount === REFUSED_ON_RECORD) {
      throw new InsufficientCreditError({ keepWrites: true });
    }
    if (command.total.amount === ALWAYS_BROKEN) throw new Error('connection reset');
    if (command.total.amount === BROKEN_ONCE && !failedOnce.has(command.orderId)) {
      failedOnce.add(command.orderId);
      throw new Error('deadlock detected');
    }
    return {
      reservationId,
      orderId: command.orderId,
      customerId: command.customerId,
      amount: command.total,
    };
  }
}

let amqp: ChannelModel;
let channel: Channel;
let admin: pg.Client;
const instances: TestingModule[] = [];

async function startInstance(overrides: Partial<MessagingOptions> = {}): Promise<TestingModule> {
  const moduleRef = await Test.createTestingModule({
    imports: [
      PersistenceModule.forRoot({
        url: APP_URL,
        adminUrl: POSTGRES_ADMIN_URL,
        schema: SCHEMA,
        poolSize: 10,
        migrationsRun: true,
        entities: [],
        migrations: [...messagingMigrations, CreateReservations1795654000099],
        healthCheckTimeoutMs: 1000,
        applicationName: 'messaging-test',
      }),
      MessagingModule.forRoot({
        url: AMQP_URL,
        connectionName: `messaging-test-${RUN}`,
        consumer: 'credit',
        consume: ['credit.commands'],
        services: ['credit'],
        namespace: namespace.prefix,
        prefetch: 20,
        replyTo: REPLIES_QUEUE,
        retry: { maxAttempts: 3, initialDelayMs: 20, maxDelayMs: 100 },
        outbox: { pollIntervalMs: 200, batchSize: 50 },
        ...overrides,
      }),
    ],
    providers: [CreditHandlers],
  }).compile();
  moduleRef.useLogger(['error', 'warn']);
  await moduleRef.init();
  instances.push(moduleRef);
  // The topology exists once the first connection is up; then wait for the consumer to attach.
  await moduleRef.get(BrokerConnection).model.waitForConnect();
  if (overrides.consume?.length !== 0) {
    await namespace.waitForConsumers('credit.commands', instances.length);
  }
  return moduleRef;
}

function aReserveCredit(amount = 100) {
  return {
    orderId: randomUUID(),
    customerId: randomUUID(),
    total: { amount, currency: 'EUR' },
  };
}

/** Publishes a command the way another app's relay would, with raw AMQP. */
function publishCommand(
  payload: unknown,
  {
    messageId = randomUUID(),
    type = credit.ReserveCredit.type,
    body,
  }: { messageId?: string; type?: string; body?: string } = {},
): string {
  channel.publish(topology.commandsExchange, type, Buffer.from(body ?? JSON.stringify(payload)), {
    messageId,
    type,
    correlationId: messageId,
    replyTo: REPLIES_QUEUE,
    persistent: true,
    headers: {
      [HEADERS.schemaVersion]: 1,
      [HEADERS.traceparent]: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
      [HEADERS.occurredAt]: new Date().toISOString(),
      [HEADERS.sagaId]: randomUUID(),
    },
  });
  return messageId;
}

async function drain(queue: string): Promise<GetMessage[]> {
  const messages: GetMessage[] = [];
  for (;;) {
    const message = await channel.get(queue, { noAck: true });
    if (!message) return messages;
    messages.push(message);
  }
}

/** Collects messages from `queue` until `count` arrived, then waits a little for any extra. */
async function collect(queue: string, count: number, timeoutMs = 10_000): Promise<GetMessage[]> {
  const messages: GetMessage[] = [];
  const deadline = Date.now() + timeoutMs;
  while (messages.length < count && Date.now() < deadline) {
    messages.push(...(await drain(queue)));
    if (messages.length < count) await sleep(50);
  }
  await sleep(400);
  messages.push(...(await drain(queue)));
  return messages;
}

async function count(sql: string, params: unknown[] = []): Promise<number> {
  const result = await admin.query<{ n: string }>(sql.replace('FROM ', `FROM ${SCHEMA}.`), params);
  return Number(result.rows[0].n);
}

function bodyOf(message: GetMessage): unknown {
  return JSON.parse(message.content.toString());
}

function orderIdOf(message: GetMessage): string {
  return (bodyOf(message) as { orderId: string }).orderId;
}

function metricsOf(...modules: TestingModule[]): MessagingMetrics {
  const total = new MessagingMetrics();
  for (const moduleRef of modules) {
    const m = moduleRef.get(MessagingMetrics);
    for (const key of Object.keys(total) as (keyof MessagingMetrics)[]) total[key] += m[key];
  }
  return total;
}

beforeAll(async () => {
  await bootstrapDatabase({ adminUrl: POSTGRES_ADMIN_URL, appUrl: APP_URL, schema: SCHEMA });
  admin = new pg.Client({ connectionString: database.adminUrl });
  await admin.connect();
  amqp = await connect(AMQP_URL, { noDelay: true });
  channel = await amqp.createChannel();
  channel.on('error', (error: Error) => {
    throw error;
  });
});

afterEach(async () => {
  await Promise.all(instances.splice(0).map((moduleRef) => moduleRef.close()));
  for (const queue of topology.queues) {
    await channel.purgeQueue(topology.queue(queue)).catch(() => undefined);
    await channel.purgeQueue(topology.deadLetterQueue(queue)).catch(() => undefined);
  }
});

afterAll(async () => {
  await amqp.close();
  await namespace.delete();
  await admin.query(`DROP SCHEMA ${admin.escapeIdentifier(SCHEMA)} CASCADE`);
  await admin.end();
});

describe('MessagingModule against RabbitMQ and PostgreSQL', () => {
  it('handles a command delivered twice once, with one reply', async () => {
    const app = await startInstance();
    const command = aReserveCredit();
    const messageId = publishCommand(command);
    await eventually(() => metricsOf(app).handled === 1);
    publishCommand(command, { messageId });
    await eventually(() => metricsOf(app).duplicates === 1);

    const replies = await collect(topology.queue(REPLIES_QUEUE), 1);
    expect(replies).toHaveLength(1);
    expect(replies[0].properties.type).toBe(credit.CreditReserved.type);
    expect(replies[0].properties.headers?.[HEADERS.causationId]).toBe(messageId);
    expect(replies[0].properties.correlationId).toBe(messageId);
    expect(JSON.parse(replies[0].content.toString())).toMatchObject({ orderId: command.orderId });
    expect(
      await count(`SELECT count(*) AS n FROM reservations WHERE order_id = $1`, [command.orderId]),
    ).toBe(1);
  });

  it('changes state once when the same command arrives ten times at once', async () => {
    const app = await startInstance();
    const command = aReserveCredit();
    const messageId = randomUUID();
    for (let i = 0; i < 10; i += 1) publishCommand(command, { messageId });

    await eventually(() => metricsOf(app).handled + metricsOf(app).duplicates === 10);
    expect(metricsOf(app)).toMatchObject({ handled: 1, duplicates: 9 });
    expect(await collect(topology.queue(REPLIES_QUEUE), 1)).toHaveLength(1);
    expect(
      await count(`SELECT count(*) AS n FROM reservations WHERE order_id = $1`, [command.orderId]),
    ).toBe(1);
  });

  it('dead-letters poison messages with a readable reason and keeps consuming', async () => {
    const app = await startInstance();
    publishCommand(undefined, { body: '{"orderId": ' });
    publishCommand(aReserveCredit(), { type: 'credit.launch-rocket' });
    publishCommand({ ...aReserveCredit(), total: { amount: 1.5, currency: 'EUR' } });
    const good = aReserveCredit();
    publishCommand(good);

    const dead = await collect(topology.deadLetterQueue('credit.commands'), 3);
    const reasons = dead.map((message) =>
      String(message.properties.headers?.[HEADERS.deadLetterReason]),
    );
    expect(reasons).toEqual([
      expect.stringContaining('body is not JSON'),
      'unknown message type credit.launch-rocket for credit',
      expect.stringContaining('invalid credit.reserve-credit payload: total.amount'),
    ]);
    expect(dead[0].content.toString()).toBe('{"orderId": ');
    const replies = await collect(topology.queue(REPLIES_QUEUE), 1);
    expect(JSON.parse(replies[0].content.toString())).toMatchObject({ orderId: good.orderId });
    expect(metricsOf(app)).toMatchObject({ handled: 1, deadLettered: 3 });
  });

  it('answers a business failure with a failure reply and undoes the handler writes', async () => {
    await startInstance();
    const command = aReserveCredit(CREDIT_LIMIT + 1);
    publishCommand(command);

    const [reply] = await collect(topology.queue(REPLIES_QUEUE), 1);
    expect(reply.properties.type).toBe(credit.CreditReservationFailed.type);
    expect(JSON.parse(reply.content.toString())).toEqual({
      code: 'credit.insufficient-credit',
      reason: 'the order exceeds the credit limit',
    });
    expect(
      await count(`SELECT count(*) AS n FROM reservations WHERE order_id = $1`, [command.orderId]),
    ).toBe(0);
  });

  it('commits the handler writes with the failure reply when the failure keeps them', async () => {
    await startInstance();
    const command = aReserveCredit(REFUSED_ON_RECORD);
    publishCommand(command);

    const [reply] = await collect(topology.queue(REPLIES_QUEUE), 1);
    expect(reply.properties.type).toBe(credit.CreditReservationFailed.type);
    expect(
      await count(`SELECT count(*) AS n FROM reservations WHERE order_id = $1`, [command.orderId]),
    ).toBe(1);
  });

  it('retries infrastructure errors, then dead-letters with the reason', async () => {
    const app = await startInstance();
    const flaky = aReserveCredit(BROKEN_ONCE);
    publishCommand(flaky);
    publishCommand(aReserveCredit(ALWAYS_BROKEN));

    const [dead] = await collect(topology.deadLetterQueue('credit.commands'), 1);
    expect(dead.properties.headers?.[HEADERS.deadLetterReason]).toBe(
      'CreditHandlers.reserve failed: connection reset',
    );
    const [reply] = await collect(topology.queue(REPLIES_QUEUE), 1);
    expect(JSON.parse(reply.content.toString())).toMatchObject({ orderId: flaky.orderId });
    expect(metricsOf(app)).toMatchObject({ handled: 1, retries: 1 + 2, deadLettered: 1 });
  });

  it('lets two instances on one queue handle every message once in effect', async () => {
    const first = await startInstance();
    const second = await startInstance();
    const commands = Array.from({ length: 40 }, () => aReserveCredit());
    for (const command of commands) {
      const messageId = publishCommand(command);
      publishCommand(command, { messageId });
    }

    await eventually(() => {
      const m = metricsOf(first, second);
      return m.handled + m.duplicates === 80;
    });
    expect(metricsOf(first, second)).toMatchObject({ handled: 40, duplicates: 40 });
    const replies = await collect(topology.queue(REPLIES_QUEUE), 40);
    expect(new Set(replies.map((reply) => orderIdOf(reply))).size).toBe(40);
    expect(replies).toHaveLength(40);
    const orderIds = commands.map((command) => command.orderId);
    expect(
      await count(`SELECT count(*) AS n FROM reservations WHERE order_id = ANY($1)`, [orderIds]),
    ).toBe(40);
  });

  it('publishes a re-sent command again under the same message id', async () => {
    const app = await startInstance({ consume: [] });
    const bus = app.get(MessageBus);
    const dataSource = app.get(DataSource);
    const command = aReserveCredit();
    const sent = await dataSource.transaction((manager) =>
      bus.send(credit.ReserveCredit, command, {}, manager),
    );
    expect(await collect(topology.queue('credit.commands'), 1)).toHaveLength(1);

    await dataSource.transaction((manager) =>
      bus.resend(credit.ReserveCredit, command, { messageId: sent.messageId }, manager),
    );
    const again = await collect(topology.queue('credit.commands'), 1);
    expect(again.map((message) => message.properties.messageId as unknown)).toEqual([
      sent.messageId,
    ]);
    expect(bodyOf(again[0])).toEqual(command);
  });

  it('never publishes a message whose transaction rolled back', async () => {
    const app = await startInstance({ consume: [] });
    const bus = app.get(MessageBus);
    const dataSource = app.get(DataSource);
    const rolledBack = aReserveCredit();
    const committed = aReserveCredit();

    await expect(
      dataSource.transaction(async (manager: EntityManager) => {
        await bus.send(credit.ReserveCredit, rolledBack, {}, manager);
        throw new Error('the state change failed');
      }),
    ).rejects.toThrow('the state change failed');
    const sent = await dataSource.transaction((manager) =>
      bus.send(credit.ReserveCredit, committed, {}, manager),
    );

    const delivered = await collect(topology.queue('credit.commands'), 1);
    expect(delivered.map((message) => message.properties.messageId as unknown)).toEqual([
      sent.messageId,
    ]);
    expect(bodyOf(delivered[0])).toEqual(committed);
    expect(delivered[0].properties.replyTo).toBe(REPLIES_QUEUE);
    expect(await count(`SELECT count(*) AS n FROM outbox WHERE sent_at IS NULL`)).toBe(0);
  });
});

function jestTimeout(): void {
  // Broker round trips and retries; the whole file stays well under a minute.
  jest.setTimeout(30_000);
}

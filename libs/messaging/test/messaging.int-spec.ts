import 'reflect-metadata';
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it, jest } from '@jest/globals';
import {
  Catch,
  Controller,
  Injectable,
  type ArgumentsHost,
  type CallHandler,
  type CanActivate,
  type DynamicModule,
  type ExceptionFilter,
  type ExecutionContext,
  type INestApplication,
  type NestInterceptor,
  type PipeTransform,
  type Provider,
  type RpcExceptionFilter,
} from '@nestjs/common';
import { APP_GUARD, APP_INTERCEPTOR, APP_PIPE } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { SpanKind } from '@opentelemetry/api';
import { connect, type Channel, type ChannelModel, type GetMessage } from 'amqplib';
import pg from 'pg';
import { register } from 'prom-client';
import { throwError, tap, type Observable } from 'rxjs';
import { DataSource, type EntityManager, type MigrationInterface, type QueryRunner } from 'typeorm';
import { credit } from '@app/contracts';
import { IdentityModule } from '@app/identity';
import {
  BrokerConnection,
  connectMessageTransport,
  DomainError,
  Handles,
  HEADERS,
  MessageBus,
  MessageContext,
  MessagingMetrics,
  MessagingModule,
  outboxInsert,
  REPLIES_QUEUE,
  type MessagingCounts,
} from '@app/messaging';
// This lib's own internals, which its public face does not offer.
import type { MessagingOptions } from '../src/messaging.options.js';
import { messagingMigrations } from '../src/migrations/messaging-migrations.js';
import { bootstrapDatabase, PersistenceModule, type PersistenceOptions } from '@app/persistence';
import { eventually } from '../../../test/support/eventually.js';
import { POSTGRES_ADMIN_URL, ScratchDatabase } from '../../../test/support/scratch-database.js';
import { AMQP_URL, ScratchNamespace } from '../../../test/support/scratch-namespace.js';
import { RecordingTracer } from './recording-tracer.js';

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
/** An amount the handler refuses with an error of its own, which a filter may translate. */
const REFUSED_BY_BANK = 16;
/** An amount whose handler keeps its connection busy a while, as a slow query would. */
const SLOW = 17;
/** How long: the length of the load, longer than every attempt of a delivery left waiting. */
const SLOW_QUERY_SECONDS = 1.5;
/** The retry limit of these tests' instances. */
const MAX_ATTEMPTS = 3;

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

/** An error that is not a DomainError: retried, unless an exception filter translates it. */
class BankRefusedError extends Error {
  constructor() {
    super('the bank refused the reservation');
    this.name = 'BankRefusedError';
  }
}

const failedOnce = new Set<string>();

@Controller()
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
    if (command.total.amount === REFUSED_BY_BANK) throw new BankRefusedError();
    if (command.total.amount === SLOW) {
      await manager.query(`SELECT pg_sleep($1)`, [SLOW_QUERY_SECONDS]);
    }
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
const instances: INestApplication[] = [];

/** What a test adds around the handlers: global enhancers, as an app would register them. */
interface Pipeline {
  imports?: DynamicModule[];
  providers?: Provider[];
  /** Runs after the transport is connected and before the app starts, like `useGlobalFilters`. */
  configure?: (app: INestApplication) => void;
}

async function startInstance(
  overrides: Partial<MessagingOptions> = {},
  pipeline: Pipeline = {},
  database: Partial<PersistenceOptions> = {},
): Promise<INestApplication> {
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
        ...database,
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
        retry: { maxAttempts: MAX_ATTEMPTS, initialDelayMs: 20, maxDelayMs: 100 },
        outbox: { pollIntervalMs: 200, batchSize: 50 },
        ...overrides,
      }),
      ...(pipeline.imports ?? []),
    ],
    controllers: [CreditHandlers],
    providers: pipeline.providers ?? [],
  }).compile();
  const app = moduleRef.createNestApplication(new FastifyAdapter(), { logger: ['error', 'warn'] });
  connectMessageTransport(app);
  pipeline.configure?.(app);
  await app.init();
  await app.startAllMicroservices();
  instances.push(app);
  // The topology exists once the first connection is up; then wait for the consumer to attach.
  await app.get(BrokerConnection).model.waitForConnect();
  if (overrides.consume?.length !== 0) {
    await namespace.waitForConsumers('credit.commands', instances.length);
  }
  return app;
}

function aReserveCredit(amount = 100) {
  return {
    orderId: randomUUID(),
    customerId: randomUUID(),
    total: { amount, currency: 'EUR' },
  };
}

const PUBLISHED_TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const PUBLISHED_SPAN_ID = '00f067aa0ba902b7';

/** Publishes a command the way another app's relay would, with raw AMQP. */
function publishCommand(
  payload: unknown,
  {
    messageId = randomUUID(),
    type = credit.ReserveCredit.type,
    body,
    on = channel,
    userId,
  }: { messageId?: string; type?: string; body?: string; on?: Channel; userId?: string } = {},
): string {
  on.publish(topology.commandsExchange, type, Buffer.from(body ?? JSON.stringify(payload)), {
    ...(userId ? { userId } : {}),
    messageId,
    type,
    correlationId: messageId,
    replyTo: REPLIES_QUEUE,
    persistent: true,
    headers: {
      [HEADERS.schemaVersion]: 1,
      [HEADERS.traceparent]: `00-${PUBLISHED_TRACE_ID}-${PUBLISHED_SPAN_ID}-01`,
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

/**
 * Collects messages from `queue` until `count` arrived (and whatever came with them). It proves
 * nothing about messages still to come: a test about those accounts for every message it sent.
 */
async function collect(queue: string, count: number, timeoutMs = 10_000): Promise<GetMessage[]> {
  const messages: GetMessage[] = [];
  await eventually(
    async () => {
      messages.push(...(await drain(queue)));
      return messages.length >= count;
    },
    {
      timeoutMs,
      intervalMs: 50,
      what: () => `${count} messages on ${queue} (${messages.length} so far)`,
    },
  );
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

/** The value of one series of the default registry (0 before its first count). */
async function sampleOf(name: string, labels: Record<string, string>): Promise<number> {
  const metricName = name.replace(/_count$/, '');
  const metric = register.getSingleMetric(metricName);
  if (!metric) return 0;
  const { values } = await metric.get();
  const sample = values.find(
    (candidate: { metricName?: string; labels: Record<string, unknown> }) =>
      (candidate.metricName ?? metricName) === name &&
      Object.entries(labels).every(([key, value]) => candidate.labels[key] === value),
  );
  return sample?.value ?? 0;
}

async function sampleAll<K extends string>(
  series: Record<K, () => Promise<number>>,
): Promise<Record<K, number>> {
  const entries = await Promise.all(
    Object.entries<() => Promise<number>>(series).map(async ([name, read]) => [name, await read()]),
  );
  return Object.fromEntries(entries) as Record<K, number>;
}

function metricsOf(...apps: INestApplication[]): MessagingCounts {
  const total: MessagingCounts = {
    handled: 0,
    duplicates: 0,
    failureReplies: 0,
    retries: 0,
    deadLettered: 0,
    published: 0,
  };
  for (const app of apps) {
    const m = app.get(MessagingMetrics);
    for (const key of Object.keys(total) as (keyof MessagingCounts)[]) total[key] += m[key];
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

/** Sessions a test opened beside the apps (a lock holder); closed before the apps are. */
const sessions: pg.Client[] = [];

/** A superuser session that holds an EXCLUSIVE lock on `reservations` until it commits. */
async function lockReservations(): Promise<pg.Client> {
  const session = new pg.Client({ connectionString: database.adminUrl });
  await session.connect();
  sessions.push(session);
  await session.query('BEGIN');
  await session.query(`LOCK TABLE ${SCHEMA}.reservations IN EXCLUSIVE MODE`);
  return session;
}

afterEach(async () => {
  await Promise.all(sessions.splice(0).map((session) => session.end()));
  await Promise.all(instances.splice(0).map((app) => app.close()));
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
  it('handles a command delivered twice once, and answers the duplicate with the same reply', async () => {
    const app = await startInstance();
    const command = aReserveCredit();
    const messageId = publishCommand(command);
    await eventually(() => metricsOf(app).handled === 1);
    // The first reply is taken off the queue, as if the sender had lost it.
    const [first] = await collect(topology.queue(REPLIES_QUEUE), 1);
    publishCommand(command, { messageId });
    await eventually(() => metricsOf(app).duplicates === 1);

    const [again] = await collect(topology.queue(REPLIES_QUEUE), 1);
    for (const reply of [first, again]) {
      expect(reply.properties.type).toBe(credit.CreditReserved.type);
      expect(reply.properties.headers?.[HEADERS.causationId]).toBe(messageId);
      expect(reply.properties.correlationId).toBe(messageId);
      expect(bodyOf(reply)).toMatchObject({ orderId: command.orderId });
    }
    // The same reply (same message id), so a sender that had it drops the second.
    expect(again.properties.messageId).toBe(first.properties.messageId);
    expect(bodyOf(again)).toEqual(bodyOf(first));
    expect(
      await count(`SELECT count(*) AS n FROM reservations WHERE order_id = $1`, [command.orderId]),
    ).toBe(1);
  });

  it('answers a duplicate of a refused command with the same failure reply', async () => {
    const app = await startInstance();
    const command = aReserveCredit(CREDIT_LIMIT + 1);
    const messageId = publishCommand(command);
    const [first] = await collect(topology.queue(REPLIES_QUEUE), 1);
    publishCommand(command, { messageId });
    await eventually(() => metricsOf(app).duplicates === 1);

    const [again] = await collect(topology.queue(REPLIES_QUEUE), 1);
    expect(first.properties.type).toBe(credit.CreditReservationFailed.type);
    expect(again.properties.messageId).toBe(first.properties.messageId);
    expect(bodyOf(again)).toEqual(bodyOf(first));
  });

  it('changes state once when the same command arrives ten times at once', async () => {
    const app = await startInstance();
    const command = aReserveCredit();
    const messageId = randomUUID();
    for (let i = 0; i < 10; i += 1) publishCommand(command, { messageId });

    await eventually(() => metricsOf(app).handled + metricsOf(app).duplicates === 10);
    expect(metricsOf(app)).toMatchObject({ handled: 1, duplicates: 9 });
    // Duplicates may send the reply again, but it is one reply: one message id.
    const replies = await collect(topology.queue(REPLIES_QUEUE), 1);
    expect(new Set(replies.map((reply) => String(reply.properties.messageId))).size).toBe(1);
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

  it('dead-letters a command published by an untrusted broker user, and an oversized one', async () => {
    // A real broker user with full rights on the vhost: the broker vouches for its user-id.
    const forger = `sagaflow-forger-${randomUUID()}`;
    const password = randomUUID();
    execFileSync('rabbitmqctl', ['add_user', forger, password], { stdio: 'ignore' });
    let forged: ChannelModel | undefined;
    try {
      execFileSync('rabbitmqctl', ['set_permissions', forger, '.*', '.*', '.*'], {
        stdio: 'ignore',
      });
      const app = await startInstance({
        trustedPublishers: () => ['guest'],
        maxMessageBytes: 2048,
      });
      const forgerUrl = new URL(AMQP_URL);
      forgerUrl.username = forger;
      forgerUrl.password = password;
      forged = await connect(forgerUrl.toString(), { noDelay: true });
      const forgedChannel = await forged.createChannel();
      publishCommand(aReserveCredit(), { on: forgedChannel, userId: forger });
      publishCommand(aReserveCredit(), { on: forgedChannel });
      publishCommand({ ...aReserveCredit(), padding: 'x'.repeat(4096) }, { userId: 'guest' });
      const good = aReserveCredit();
      publishCommand(good, { userId: 'guest' });

      const dead = await collect(topology.deadLetterQueue('credit.commands'), 3);
      expect(
        dead.map((message) => String(message.properties.headers?.[HEADERS.deadLetterReason])),
      ).toEqual(
        expect.arrayContaining([
          `credit.reserve-credit published by broker user ${forger}, not by guest`,
          'credit.reserve-credit published by broker user (none), not by guest',
          expect.stringContaining('over the 2048-byte limit'),
        ]),
      );
      const replies = await collect(topology.queue(REPLIES_QUEUE), 1);
      expect(JSON.parse(replies[0].content.toString())).toMatchObject({ orderId: good.orderId });
      // The app's own publishes (its reply) carry its broker user.
      expect(replies[0].properties.userId).toBe('guest');
      expect(metricsOf(app)).toMatchObject({ handled: 1, deadLettered: 3 });
    } finally {
      await forged?.close().catch(() => undefined);
      execFileSync('rabbitmqctl', ['delete_user', forger], { stdio: 'ignore' });
    }
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
    // A duplicate may send its reply again: still one reply (one message id) per command.
    expect(new Set(replies.map((reply) => String(reply.properties.messageId))).size).toBe(40);
    const orderIds = commands.map((command) => command.orderId);
    expect(
      await count(`SELECT count(*) AS n FROM reservations WHERE order_id = ANY($1)`, [orderIds]),
    ).toBe(40);
  });

  it('handles each message in a consumer span, a child of its traceparent, which its reply continues', async () => {
    const tracer = new RecordingTracer();
    tracer.install();
    try {
      await startInstance();
      const messageId = publishCommand(aReserveCredit());

      const [reply] = await collect(topology.queue(REPLIES_QUEUE), 1);
      const span = tracer.spans.find(
        (candidate) => candidate.name === 'process credit.reserve-credit',
      );
      expect(span).toMatchObject({
        kind: SpanKind.CONSUMER,
        traceId: PUBLISHED_TRACE_ID,
        parentSpanId: PUBLISHED_SPAN_ID,
        ended: true,
      });
      expect(reply.properties.headers?.[HEADERS.causationId]).toBe(messageId);
      expect(reply.properties.headers?.[HEADERS.traceparent]).toBe(
        `00-${PUBLISHED_TRACE_ID}-${span?.spanId}-01`,
      );
    } finally {
      tracer.uninstall();
    }
  });

  it('counts what it handles, by message type, in the default Prometheus registry', async () => {
    const type = credit.ReserveCredit.type;
    const queue = 'credit.commands';
    const series = {
      handled: () => sampleOf('sagaflow_messages_handled_total', { type }),
      failed: () => sampleOf('sagaflow_messages_failed_total', { type }),
      duplicates: () => sampleOf('sagaflow_inbox_duplicates_total', { type }),
      retries: () => sampleOf('sagaflow_message_retries_total', { type }),
      deadLettered: () => sampleOf('sagaflow_messages_dead_lettered_total', { queue, type }),
      deadLetteredUnknown: () =>
        sampleOf('sagaflow_messages_dead_lettered_total', { queue, type: 'unknown' }),
      timed: () => sampleOf('sagaflow_message_handler_duration_seconds_count', { type }),
    };
    const before = await sampleAll(series);
    const app = await startInstance();
    const accepted = aReserveCredit();
    const messageId = publishCommand(accepted);
    publishCommand(accepted, { messageId });
    publishCommand(aReserveCredit(CREDIT_LIMIT + 1));
    publishCommand(aReserveCredit(BROKEN_ONCE));
    publishCommand(aReserveCredit(ALWAYS_BROKEN));
    publishCommand(aReserveCredit(), { type: 'credit.launch-rocket' });

    await eventually(() => {
      const m = metricsOf(app);
      return m.handled === 3 && m.duplicates === 1 && m.deadLettered === 2;
    });
    const after = await sampleAll(series);
    const added = Object.fromEntries(
      Object.entries(after).map(([name, value]) => [
        name,
        value - before[name as keyof typeof before],
      ]),
    );
    expect(added).toEqual({
      handled: 3,
      failed: 1,
      duplicates: 1,
      retries: 1 + 2,
      deadLettered: 1,
      deadLetteredUnknown: 1,
      timed: 3,
    });
  });

  it('publishes a command re-sent through outboxInsert again under the same message id', async () => {
    const app = await startInstance({ consume: [] });
    const bus = app.get(MessageBus);
    const dataSource = app.get(DataSource);
    const command = aReserveCredit();
    const sent = await dataSource.transaction((manager) =>
      bus.send(credit.ReserveCredit, command, {}, manager),
    );
    expect(await collect(topology.queue('credit.commands'), 1)).toHaveLength(1);
    // A barrier: with its row gone, the first publish is done and nothing repeats it.
    await eventually(async () => (await count(`SELECT count(*) AS n FROM outbox`)) === 0, {
      what: 'the first publish is sent and its row deleted',
    });
    expect(await drain(topology.queue('credit.commands'))).toHaveLength(0);

    // As the saga engine re-sends: the row written by its own statement, then staged.
    await dataSource.transaction(async (manager) => {
      const resent = bus.compose(credit.ReserveCredit, command, { messageId: sent.messageId });
      const insert = outboxInsert([resent], '(SELECT 1) AS always', 1);
      if (!insert) throw new Error('one message makes one insert');
      await manager.query(insert.sql, insert.params);
      bus.stage(manager, [resent]);
    });
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
    // A sent row is not kept: it is deleted, in a batch a little after the publish.
    await eventually(async () => (await count(`SELECT count(*) AS n FROM outbox`)) === 0, {
      what: 'the published row is deleted',
    });
  });
});

describe('back-pressure instead of failure', () => {
  it('handles 20 concurrent deliveries on a pool of 8 whose handlers hold their connection a while', async () => {
    // A short pool wait, so a delivery left waiting for a connection would fail every attempt
    // well before the first slow handlers give theirs back.
    const app = await startInstance(
      { prefetch: 20 },
      {},
      { poolSize: 8, connectionTimeoutMs: 250 },
    );
    const commands = Array.from({ length: 20 }, () => aReserveCredit(SLOW));
    for (const command of commands) publishCommand(command);

    await eventually(() => metricsOf(app).handled + metricsOf(app).deadLettered === 20, {
      timeoutMs: 25_000,
      what: 'every delivery handled or dead-lettered',
    });
    expect(metricsOf(app)).toMatchObject({ handled: 20, deadLettered: 0, retries: 0 });
    const replies = await collect(topology.queue(REPLIES_QUEUE), 20);
    expect(new Set(replies.map((reply) => orderIdOf(reply)))).toEqual(
      new Set(commands.map((command) => command.orderId)),
    );
  });

  it('retries a lock wait that timed out without counting it, until the lock is free', async () => {
    const app = await startInstance({}, {}, { lockTimeoutMs: 100 });
    const lock = await lockReservations();
    const command = aReserveCredit();
    publishCommand(command);

    // More lock timeouts than the retry limit allows attempts: none of them counted.
    await eventually(() => app.get(MessagingMetrics).transientRetries > MAX_ATTEMPTS, {
      what: `more than ${MAX_ATTEMPTS} lock timeouts retried`,
    });
    await lock.query('COMMIT');

    const [reply] = await collect(topology.queue(REPLIES_QUEUE), 1);
    expect(reply.properties.type).toBe(credit.CreditReserved.type);
    expect(orderIdOf(reply)).toBe(command.orderId);
    expect(metricsOf(app)).toMatchObject({ handled: 1, retries: 0, deadLettered: 0 });
    expect(await drain(topology.deadLetterQueue('credit.commands'))).toHaveLength(0);
  });

  it('gives a delivery waiting out a lock back to its queue on shutdown', async () => {
    const app = await startInstance({}, {}, { lockTimeoutMs: 100 });
    await lockReservations();
    const messageId = publishCommand(aReserveCredit());
    await eventually(() => app.get(MessagingMetrics).transientRetries > 0, {
      what: 'a lock timeout retried',
    });

    await app.close();
    instances.splice(instances.indexOf(app), 1);

    const requeued = await collect(topology.queue('credit.commands'), 1);
    expect(requeued.map((message) => message.properties.messageId as unknown)).toEqual([messageId]);
    expect(await drain(topology.deadLetterQueue('credit.commands'))).toHaveLength(0);
    expect(metricsOf(app)).toMatchObject({ handled: 0, deadLettered: 0 });
  });
});

/** What a global interceptor saw of each message it wrapped. */
interface Intercepted {
  orderId: string;
  handler: string;
  inTransaction: boolean;
  outcome: string;
}

@Injectable()
class RecordingInterceptor implements NestInterceptor {
  readonly seen: Intercepted[] = [];

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'rpc') return next.handle();
    const { envelope, manager } = context.switchToRpc().getContext<MessageContext>();
    const record = (outcome: string) =>
      this.seen.push({
        orderId: (envelope.payload as { orderId: string }).orderId,
        handler: context.getHandler().name,
        inTransaction: manager.queryRunner?.isTransactionActive ?? false,
        outcome,
      });
    return next
      .handle()
      .pipe(tap({ next: () => record('replied'), error: (error: Error) => record(error.name) }));
  }
}

const BLOCKED_CUSTOMER = randomUUID();
const UNKNOWN_CUSTOMER = randomUUID();

/** Refuses a blocked customer with a business failure, and an unknown one outright. */
@Injectable()
class CustomerGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const { customerId } = context.switchToRpc().getData<{ customerId?: string }>();
    if (customerId === BLOCKED_CUSTOMER) throw new InsufficientCreditError();
    return customerId !== UNKNOWN_CUSTOMER;
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Writes every id of a payload in lower case, so the handler never sees two spellings of one. */
@Injectable()
class LowerCaseIdsPipe implements PipeTransform {
  transform(value: unknown): unknown {
    if (value instanceof MessageContext || typeof value !== 'object' || value === null) {
      return value;
    }
    return Object.fromEntries(
      Object.entries(value).map(([key, field]) => [
        key,
        typeof field === 'string' && UUID.test(field) ? field.toLowerCase() : field,
      ]),
    );
  }
}

/** Reports every error it sees and answers nothing, as an error reporter would. */
@Catch()
class ReportingFilter implements ExceptionFilter {
  readonly seen: string[] = [];

  catch(exception: Error, host: ArgumentsHost): void {
    this.seen.push(`${host.getType()} ${exception.name}`);
  }
}

/** Translates the bank's refusal into the command's business failure. */
@Catch(BankRefusedError)
class BankRefusalFilter implements RpcExceptionFilter<BankRefusedError> {
  catch(): Observable<never> {
    return throwError(() => new InsufficientCreditError());
  }
}

describe("Nest's pipeline around message handlers", () => {
  it('runs a global interceptor around every command handled, inside its transaction', async () => {
    const interceptor = new RecordingInterceptor();
    const app = await startInstance(
      {},
      { providers: [{ provide: APP_INTERCEPTOR, useValue: interceptor }] },
    );
    const accepted = aReserveCredit();
    const refused = aReserveCredit(CREDIT_LIMIT + 1);
    const messageId = publishCommand(accepted);
    publishCommand(refused);
    publishCommand(accepted, { messageId });

    await eventually(() => metricsOf(app).handled === 2 && metricsOf(app).duplicates === 1);
    expect(interceptor.seen).toEqual(
      expect.arrayContaining([
        { orderId: accepted.orderId, handler: 'reserve', inTransaction: true, outcome: 'replied' },
        {
          orderId: refused.orderId,
          handler: 'reserve',
          inTransaction: true,
          outcome: 'InsufficientCreditError',
        },
      ]),
    );
    // The duplicate is skipped by the inbox before the pipeline runs.
    expect(interceptor.seen).toHaveLength(2);
  });

  it('lets a global guard refuse a message, beside the HTTP-only token check', async () => {
    await startInstance(
      {},
      {
        imports: [IdentityModule.forRoot({ devTokenSecret: 'a-test-secret-of-at-least-32-chars' })],
        providers: [{ provide: APP_GUARD, useClass: CustomerGuard }],
      },
    );
    const accepted = aReserveCredit();
    const blocked = { ...aReserveCredit(), customerId: BLOCKED_CUSTOMER };
    const unknown = { ...aReserveCredit(), customerId: UNKNOWN_CUSTOMER };
    publishCommand(accepted);
    publishCommand(blocked);
    publishCommand(unknown);

    const replies = await collect(topology.queue(REPLIES_QUEUE), 2);
    const byOrder = new Map(replies.map((reply) => [orderIdOf(reply), reply]));
    expect(replies).toHaveLength(2);
    expect(byOrder.get(accepted.orderId)?.properties.type).toBe(credit.CreditReserved.type);
    expect(replies.map((reply) => String(reply.properties.type))).toContain(
      credit.CreditReservationFailed.type,
    );
    const [dead] = await collect(topology.deadLetterQueue('credit.commands'), 1);
    expect(dead.properties.headers?.[HEADERS.deadLetterReason]).toBe(
      'CreditHandlers.reserve failed: Forbidden resource',
    );
    expect(orderIdOf(dead)).toBe(unknown.orderId);
    for (const { orderId } of [blocked, unknown]) {
      expect(
        await count(`SELECT count(*) AS n FROM reservations WHERE order_id = $1`, [orderId]),
      ).toBe(0);
    }
  });

  it('passes the payload through a global pipe before the handler sees it', async () => {
    await startInstance({}, { providers: [{ provide: APP_PIPE, useClass: LowerCaseIdsPipe }] });
    const command = aReserveCredit();
    publishCommand({ ...command, orderId: command.orderId.toUpperCase() });

    const [reply] = await collect(topology.queue(REPLIES_QUEUE), 1);
    expect(orderIdOf(reply)).toBe(command.orderId);
    expect(
      await count(`SELECT count(*) AS n FROM reservations WHERE order_id::text = $1`, [
        command.orderId,
      ]),
    ).toBe(1);
  });

  it('shows errors to global exception filters and keeps their outcome', async () => {
    const reporter = new ReportingFilter();
    await startInstance(
      {},
      { configure: (app) => app.useGlobalFilters(reporter, new BankRefusalFilter()) },
    );
    const overLimit = aReserveCredit(CREDIT_LIMIT + 1);
    const refusedByBank = aReserveCredit(REFUSED_BY_BANK);
    const broken = aReserveCredit(ALWAYS_BROKEN);
    publishCommand(overLimit);
    publishCommand(refusedByBank);
    publishCommand(broken);

    const replies = await collect(topology.queue(REPLIES_QUEUE), 2);
    expect(replies.map((reply) => String(reply.properties.type))).toEqual([
      credit.CreditReservationFailed.type,
      credit.CreditReservationFailed.type,
    ]);
    expect(replies.map((reply) => bodyOf(reply))).toEqual([
      expect.objectContaining({ code: 'credit.insufficient-credit' }),
      expect.objectContaining({ code: 'credit.insufficient-credit' }),
    ]);
    const [dead] = await collect(topology.deadLetterQueue('credit.commands'), 1);
    expect(dead.properties.headers?.[HEADERS.deadLetterReason]).toBe(
      'CreditHandlers.reserve failed: connection reset',
    );
    // The reporter saw the business failure and each of the three attempts of the broken one;
    // the bank's refusal went to the more specific filter.
    expect([...reporter.seen].sort()).toEqual([
      'rpc Error',
      'rpc Error',
      'rpc Error',
      'rpc InsufficientCreditError',
    ]);
  });
});

function jestTimeout(): void {
  // Broker round trips and retries; the whole file stays well under a minute.
  jest.setTimeout(30_000);
}

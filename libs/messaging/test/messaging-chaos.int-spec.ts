import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { Controller, type INestApplication } from '@nestjs/common';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { connect, type Channel, type ChannelModel, type ConsumeMessage } from 'amqplib';
import pg from 'pg';
import { DataSource, type MigrationInterface, type QueryRunner } from 'typeorm';
import { credit } from '@app/contracts';
import {
  BrokerConnection,
  connectMessageTransport,
  Handles,
  MessageBus,
  MessageContext,
  MessagingMetrics,
  MessagingModule,
  REPLIES_QUEUE,
} from '@app/messaging';
// This lib's own internals, which its public face does not offer.
import { MessagingChaos } from '../src/messaging-chaos.js';
import type { MessagingChaosOptions } from '../src/messaging.options.js';
import { messagingMigrations } from '../src/migrations/messaging-migrations.js';
import { bootstrapDatabase, PersistenceModule } from '@app/persistence';
import { eventually } from '../../../test/support/eventually.js';
import { POSTGRES_ADMIN_URL, ScratchDatabase } from '../../../test/support/scratch-database.js';
import { AMQP_URL, ScratchNamespace } from '../../../test/support/scratch-namespace.js';

/*
 * MESSAGING_CHAOS at rate 1 against the real PostgreSQL and RabbitMQ: the relay duplicates or
 * reorders every command it publishes, and the consumer's inbox still changes state once per
 * message. A tap queue on the commands exchange sees what the broker was given, in its order.
 */

const database = new ScratchDatabase('sagaflow_messaging_test');
const APP_URL = database.urlFor('sagaflow_messaging_test');
const RUN = randomUUID().slice(0, 8);
const SCHEMA = `messaging_chaos_${RUN}`;
const namespace = new ScratchNamespace(`test-chaos-${RUN}.`, ['credit']);
const { topology } = namespace;
const COMMANDS = 10;

jest.setTimeout(30_000);

class CreateReservations1795654000099 implements MigrationInterface {
  name = 'CreateReservations1795654000099';
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE reservations (id uuid PRIMARY KEY, order_id uuid NOT NULL UNIQUE)`,
    );
  }
  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE reservations`);
  }
}

@Controller()
class CreditHandlers {
  @Handles(credit.ReserveCredit)
  async reserve(
    command: credit.ReserveCredit,
    { manager }: MessageContext,
  ): Promise<credit.CreditReserved> {
    const reservationId = randomUUID();
    await manager.query(`INSERT INTO reservations (id, order_id) VALUES ($1, $2)`, [
      reservationId,
      command.orderId,
    ]);
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

/** One credit instance that sends commands to itself through its outbox, with chaos on. */
async function startInstance(chaos: MessagingChaosOptions): Promise<INestApplication> {
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
        applicationName: 'messaging-chaos-test',
      }),
      MessagingModule.forRoot({
        url: AMQP_URL,
        connectionName: `messaging-chaos-test-${RUN}`,
        consumer: 'credit',
        consume: ['credit.commands'],
        services: ['credit'],
        namespace: namespace.prefix,
        replyTo: REPLIES_QUEUE,
        outbox: { pollIntervalMs: 200, batchSize: 50 },
        chaos,
      }),
    ],
    controllers: [CreditHandlers],
  }).compile();
  const app = moduleRef.createNestApplication(new FastifyAdapter(), { logger: ['error'] });
  connectMessageTransport(app);
  await app.init();
  await app.startAllMicroservices();
  instances.push(app);
  await app.get(BrokerConnection).model.waitForConnect();
  await namespace.waitForConsumers('credit.commands', 1);
  return app;
}

/** Every command the broker is given from now on, in the order it took them. */
async function tapCommands(): Promise<ConsumeMessage[]> {
  const tapped: ConsumeMessage[] = [];
  const { queue } = await channel.assertQueue('', { exclusive: true, autoDelete: true });
  await channel.bindQueue(queue, topology.commandsExchange, '#');
  await channel.consume(queue, (message) => message && tapped.push(message), { noAck: true });
  return tapped;
}

function aReserveCredit(): credit.ReserveCredit {
  return {
    orderId: randomUUID(),
    customerId: randomUUID(),
    total: { amount: 100, currency: 'EUR' },
  };
}

/** Writes `COMMANDS` commands in one transaction, so the relay takes them in one batch. */
async function sendCommands(app: INestApplication): Promise<string[]> {
  const bus = app.get(MessageBus);
  return app.get(DataSource).transaction(async (manager) => {
    const ids: string[] = [];
    for (let i = 0; i < COMMANDS; i += 1) {
      const sent = await bus.send(credit.ReserveCredit, aReserveCredit(), {}, manager);
      ids.push(sent.messageId);
    }
    return ids;
  });
}

function idsOf(messages: ConsumeMessage[]): string[] {
  return messages.map((message) => String(message.properties.messageId));
}

async function count(sql: string): Promise<number> {
  const result = await admin.query<{ n: string }>(sql.replace('FROM ', `FROM ${SCHEMA}.`));
  return Number(result.rows[0].n);
}

beforeAll(async () => {
  await bootstrapDatabase({ adminUrl: POSTGRES_ADMIN_URL, appUrl: APP_URL, schema: SCHEMA });
  admin = new pg.Client({ connectionString: database.adminUrl });
  await admin.connect();
  amqp = await connect(AMQP_URL, { noDelay: true });
  channel = await amqp.createChannel();
});

afterEach(async () => {
  await Promise.all(instances.splice(0).map((app) => app.close()));
  for (const queue of topology.queues) {
    await channel.purgeQueue(topology.queue(queue)).catch(() => undefined);
  }
});

afterAll(async () => {
  await amqp.close();
  await namespace.delete();
  await admin.query(`DROP SCHEMA ${admin.escapeIdentifier(SCHEMA)} CASCADE`);
  await admin.end();
});

describe('MESSAGING_CHAOS in the outbox relay', () => {
  it('duplicate: publishes every message twice under one id, and the inbox handles it once', async () => {
    const app = await startInstance({ kinds: ['duplicate'], rate: 1, seed: 1 });
    const tapped = await tapCommands();
    const sent = await sendCommands(app);

    await eventually(() => tapped.length >= 2 * COMMANDS, { what: 'every command and its copy' });
    const metrics = app.get(MessagingMetrics);
    await eventually(() => metrics.handled + metrics.duplicates >= 2 * COMMANDS, {
      what: 'every delivery handled or dropped',
    });

    expect(tapped).toHaveLength(2 * COMMANDS);
    for (const messageId of sent) {
      const copies = tapped.filter((message) => message.properties.messageId === messageId);
      expect(copies).toHaveLength(2);
      expect(copies[1].properties).toEqual(copies[0].properties);
      expect(copies[1].content).toEqual(copies[0].content);
    }
    expect(metrics).toMatchObject({ handled: COMMANDS, duplicates: COMMANDS });
    expect(await count(`SELECT count(*) AS n FROM reservations`)).toBe(COMMANDS);
    expect(app.get(MessagingChaos).injected.duplicate).toBeGreaterThanOrEqual(COMMANDS);
  });

  it('reorder: publishes the messages in another order, each once, and every row ends sent', async () => {
    const app = await startInstance({ kinds: ['reorder'], rate: 1, seed: 2 });
    const tapped = await tapCommands();
    await admin.query(`TRUNCATE ${SCHEMA}.reservations`);
    const sent = await sendCommands(app);

    await eventually(() => tapped.length >= COMMANDS, { what: 'every command published' });
    const metrics = app.get(MessagingMetrics);
    await eventually(() => metrics.handled >= COMMANDS, { what: 'every command handled' });
    await eventually(
      async () => (await count(`SELECT count(*) AS n FROM outbox WHERE sent_at IS NULL`)) === 0,
      { what: 'every outbox row sent' },
    );

    expect(idsOf(tapped)).not.toEqual(sent);
    expect([...idsOf(tapped)].sort()).toEqual([...sent].sort());
    expect(metrics).toMatchObject({ handled: COMMANDS, duplicates: 0 });
    expect(await count(`SELECT count(*) AS n FROM reservations`)).toBe(COMMANDS);
  });

  it('reorder: a message held back at shutdown is not lost, its row goes out in the last flush', async () => {
    const app = await startInstance({ kinds: ['reorder'], rate: 1, seed: 3 });
    const tapped = await tapCommands();
    const chaos = app.get(MessagingChaos);
    const sent = await sendCommands(app);
    await eventually(() => chaos.injected.reorder >= COMMANDS, { what: 'every command held back' });
    // Shut down while (most of) the holds last: at least 50 ms each, up to a second.
    await instances.splice(0)[0].close();

    // Sent, and so deleted, whether the flusher or the relay's last flush sent it.
    expect(await count(`SELECT count(*) AS n FROM outbox`)).toBe(0);
    // The broker took every one (confirms came before close): the tap shows them once each.
    await eventually(() => tapped.length >= COMMANDS, { what: 'every held command published' });
    expect([...idsOf(tapped)].sort()).toEqual([...sent].sort());
  });
});

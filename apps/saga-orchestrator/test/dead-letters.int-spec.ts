import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { connect, type ChannelModel, type ConfirmChannel, type ConsumeMessage } from 'amqplib';
import { credit, order, type Money } from '@app/contracts';
import { DeadLetterMetrics, fromAmqp, HEADERS, REPLIES_QUEUE, type Envelope } from '@app/messaging';
import { toAmqp } from '@app/messaging/testing';
import { AppUnderTest, type AppInstance } from '../../../test/support/app-under-test.js';
import { customerToken } from '../../../test/support/dev-tokens.js';
import { eventually, eventuallyValue } from '../../../test/support/eventually.js';
import { AMQP_URL, PARTICIPANTS } from '../../../test/support/scratch-namespace.js';
import { captureDeadLetter } from '../src/dead-letters/captured-dead-letter.js';
import { DeadLetterStore } from '../src/dead-letters/dead-letter-store.js';
import { loadSagaOrchestratorConfig } from '../src/saga-orchestrator.config.js';
import { SagaOrchestratorModule } from '../src/saga-orchestrator.module.js';

jest.setTimeout(30_000);

/**
 * The orchestrator keeps the dead letters of its whole namespace. The test plays the
 * participants: it takes their commands off their queues and dead-letters what it is told to,
 * as a participant's transport gives up on a message.
 */
const orchestratorUnderTest = new AppUnderTest({
  database: 'sagaflow_it_dead_letters',
  role: 'sagaflow_orchestrator',
  namespace: 'it-dead-letters.',
  rootModule: (env) => SagaOrchestratorModule.register(loadSagaOrchestratorConfig(env)),
  // Longer than any test: no deadline re-sends a command behind the test's back.
  env: { PLACE_ORDER_STEP_TIMEOUT_MS: '60000' },
});
const { topology } = orchestratorUnderTest.namespace;

let orchestrator: AppInstance;
let amqp: ChannelModel;
let channel: ConfirmChannel;
/** Every command the test's participants took, oldest first. */
const commands: Envelope[] = [];

interface DeadLetterBody {
  id: string;
  queue: string;
  messageId: string;
  type: string | null;
  sagaId: string | null;
  reason: string;
  deadLetteredAt: string;
  ageSeconds: number;
  status: string;
  replayable: boolean;
}

const eur = (amount: number): Money => ({ amount, currency: 'EUR' });
const TRACEPARENT = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

function anEnvelope<P>(
  type: string,
  payload: P,
  overrides: Partial<Omit<Envelope, 'payload'>> = {},
): Envelope<P> {
  return {
    messageId: randomUUID(),
    type,
    schemaVersion: 1,
    sagaId: randomUUID(),
    sagaType: 'place-order',
    correlationId: randomUUID(),
    traceparent: TRACEPARENT,
    occurredAt: new Date().toISOString(),
    payload,
    ...overrides,
  };
}

/** Moves a message to `<queue>.dead-letter` as a consumer's transport does when it gives up. */
async function deadLetter(queue: string, envelope: Envelope, reason: string, at = new Date()) {
  const { content, options } = toAmqp(envelope);
  channel.publish(topology.deadLetterExchange, topology.queue(queue), content, {
    ...options,
    headers: {
      ...(options.headers as Record<string, unknown>),
      [HEADERS.deadLetterReason]: reason,
      [HEADERS.deadLetterQueue]: queue,
      [HEADERS.deadLetteredAt]: at.toISOString(),
    },
  });
  await channel.waitForConfirms();
}

async function list(query = ''): Promise<DeadLetterBody[]> {
  const { status, body } = await orchestrator.request('GET', `/dead-letters${query}`);
  expect(status).toBe(200);
  return body.items as DeadLetterBody[];
}

/** Waits until the dead letter of `messageId` is listed (pending, unless `query` says otherwise). */
async function listed(messageId: string, query = ''): Promise<DeadLetterBody[]> {
  let found: DeadLetterBody[] = [];
  await eventually(
    async () => {
      found = (await list(query)).filter((item) => item.messageId === messageId);
      return found.length > 0;
    },
    { what: `dead letter ${messageId} listed with ${query || 'no filter'}` },
  );
  return found;
}

async function commandOf(sagaId: string, type: string): Promise<Envelope> {
  let found: Envelope | undefined;
  await eventually(
    () => {
      found = commands.find((command) => command.sagaId === sagaId && command.type === type);
      return found !== undefined;
    },
    { what: `${type} of saga ${sagaId} sent` },
  );
  return found as Envelope;
}

function onCommand(message: ConsumeMessage): void {
  const decoded = fromAmqp(message);
  if (decoded.ok) commands.push(decoded.envelope);
  channel.ack(message);
}

beforeAll(async () => {
  orchestrator = await orchestratorUnderTest.start();
  amqp = await connect(AMQP_URL, { noDelay: true });
  channel = await amqp.createConfirmChannel();
  for (const service of PARTICIPANTS) {
    await channel.consume(topology.queue(`${service}.commands`), (message) => {
      if (message) onCommand(message);
    });
  }
});

afterAll(async () => {
  await amqp?.close();
  await orchestratorUnderTest.close();
});

describe('dead letters', () => {
  it('lists a poison message with the reason its consumer gave, and counts it in the gauge', async () => {
    // An invalid reply: the orchestrator's own transport dead-letters it at once.
    const poison = anEnvelope(credit.CreditReserved.type, { orderId: 'not-a-uuid' });
    const { content, options } = toAmqp(poison);
    channel.publish(topology.repliesExchange, REPLIES_QUEUE, content, options);
    await channel.waitForConfirms();

    const [letter] = await listed(poison.messageId, `?queue=${REPLIES_QUEUE}`);
    expect(letter).toMatchObject({
      queue: REPLIES_QUEUE,
      type: credit.CreditReserved.type,
      sagaId: poison.sagaId,
      reason: expect.stringContaining('invalid credit.credit-reserved payload'),
      status: 'PENDING',
      replayable: true,
    });
    expect(letter.ageSeconds).toBeGreaterThanOrEqual(0);
    expect(Date.parse(letter.deadLetteredAt)).toBeLessThanOrEqual(Date.now());
    const elsewhere = await list('?queue=credit.commands');
    expect(elsewhere.map((item) => item.messageId)).not.toContain(poison.messageId);
    // Off the broker, still counted: it waits for an operator all the same.
    const depths = await orchestrator.app.get(DeadLetterMetrics).depths();
    expect(depths.get(topology.deadLetterQueue(REPLIES_QUEUE))).toBeGreaterThanOrEqual(1);
  });

  it('replays a dead letter to its handler, which handles it; a second replay is a duplicate', async () => {
    const placed = await orchestrator.request('POST', '/sagas/place-order', {
      customerId: randomUUID(),
      total: eur(1250),
      paymentToken: 'tok_approve',
      idempotencyKey: randomUUID(),
    });
    expect(placed.status).toBe(202);
    const sagaId = String(placed.body.sagaId);
    const create = await commandOf(sagaId, order.CreatePendingOrder.type);
    // Order answered, but the orchestrator gave up on the answer (its database was down, say).
    const answer = anEnvelope(
      order.OrderCreated.type,
      { orderId: (create.payload as { orderId: string }).orderId, status: 'PENDING' },
      { sagaId, correlationId: create.correlationId, causationId: create.messageId },
    );
    await deadLetter(REPLIES_QUEUE, answer, 'SagaRepliesController.handleReply failed: db down');
    const [letter] = await listed(answer.messageId);
    expect(letter).toMatchObject({
      reason: 'SagaRepliesController.handleReply failed: db down',
      sagaId,
    });

    const replayed = await orchestrator.request('POST', `/dead-letters/${letter.id}/replay`);
    expect(replayed).toMatchObject({ status: 202, body: { id: letter.id, status: 'REPLAYED' } });
    // The saga moves on: the reply was applied.
    await commandOf(sagaId, credit.ReserveCredit.type);
    expect((await list()).map((item) => item.id)).not.toContain(letter.id);
    expect((await listed(answer.messageId, '?status=REPLAYED'))[0].id).toBe(letter.id);
    for (const action of ['replay', 'discard']) {
      const again = await orchestrator.request('POST', `/dead-letters/${letter.id}/${action}`);
      expect(again).toMatchObject({ status: 409, body: { code: 'dead-letter.already-resolved' } });
    }

    // Dead-lettered again after all (the broker's delivery limit after the commit, say): a new
    // dead letter, whose replay the saga ignores as the duplicate it is: it awaits another reply.
    await deadLetter(REPLIES_QUEUE, answer, 'broker: delivery_limit (saga-orchestrator.replies)');
    const [second] = await listed(answer.messageId);
    expect(second.id).not.toBe(letter.id);
    const replayedAgain = await orchestrator.request('POST', `/dead-letters/${second.id}/replay`);
    expect(replayedAgain.status).toBe(202);
    type Step = { step: string; event: string; messageId: string | null; detail: string | null };
    const steps = await eventuallyValue(
      async () => (await orchestrator.request('GET', `/sagas/${sagaId}`)).body.steps as Step[],
      (found) =>
        found.some((step) => step.event === 'ignored' && step.messageId === answer.messageId),
      { what: 'the saga ignores the replayed duplicate' },
    );
    expect(steps.filter((step) => step.step === 'create pending order')).toHaveLength(2);
    expect(steps.filter((step) => step.messageId === answer.messageId)).toEqual([
      expect.objectContaining({ event: 'succeeded' }),
      expect.objectContaining({ event: 'ignored', detail: 'answers a command not awaited' }),
    ]);
  });

  it('replays a command to the queue it failed in, the same message', async () => {
    const command = anEnvelope(
      credit.ReserveCredit.type,
      { orderId: randomUUID(), customerId: randomUUID(), total: eur(300) },
      { replyTo: REPLIES_QUEUE },
    );
    await deadLetter('credit.commands', command, 'CreditController.reserve failed: db down');
    const [letter] = await listed(command.messageId, '?queue=credit.commands');

    const replayed = await orchestrator.request('POST', `/dead-letters/${letter.id}/replay`);
    expect(replayed.status).toBe(202);
    expect(await commandOf(String(command.sagaId), command.type)).toEqual(command);
  });

  it('discards a dead letter: no longer listed, kept for the audit trail', async () => {
    const reply = anEnvelope(credit.CreditReserved.type, {});
    await deadLetter(REPLIES_QUEUE, reply, 'SagaRepliesController.handleReply failed: timeout');
    const [letter] = await listed(reply.messageId, `?queue=${REPLIES_QUEUE}`);

    const discarded = await orchestrator.request('POST', `/dead-letters/${letter.id}/discard`);
    expect(discarded).toMatchObject({ status: 200, body: { id: letter.id, status: 'DISCARDED' } });
    expect((await list()).map((item) => item.id)).not.toContain(letter.id);
    expect((await listed(reply.messageId, '?status=DISCARDED'))[0].id).toBe(letter.id);
    const replay = await orchestrator.request('POST', `/dead-letters/${letter.id}/replay`);
    expect(replay.status).toBe(409);
  });

  it('keeps what is no message of ours, but only to discard it', async () => {
    const messageId = randomUUID();
    channel.publish(topology.repliesExchange, REPLIES_QUEUE, Buffer.from('{not json'), {
      messageId,
      type: credit.CreditReserved.type,
      correlationId: randomUUID(),
      headers: {
        [HEADERS.schemaVersion]: 1,
        [HEADERS.traceparent]: TRACEPARENT,
        [HEADERS.occurredAt]: new Date().toISOString(),
      },
    });
    await channel.waitForConfirms();

    const [letter] = await listed(messageId, `?queue=${REPLIES_QUEUE}`);
    expect(letter).toMatchObject({
      reason: expect.stringContaining('body is not JSON'),
      replayable: false,
    });
    const replay = await orchestrator.request('POST', `/dead-letters/${letter.id}/replay`);
    expect(replay).toMatchObject({ status: 409, body: { code: 'dead-letter.not-replayable' } });
    const discard = await orchestrator.request('POST', `/dead-letters/${letter.id}/discard`);
    expect(discard.status).toBe(200);
  });

  it('keeps one row for a dead letter delivered twice', async () => {
    const envelope = anEnvelope(credit.ReserveCredit.type, {});
    const { content, options } = toAmqp(envelope);
    const message = {
      content,
      properties: {
        ...options,
        headers: {
          ...(options.headers as Record<string, unknown>),
          [HEADERS.deadLetterReason]: 'twice',
          [HEADERS.deadLetteredAt]: new Date().toISOString(),
        },
      },
    } as unknown as ConsumeMessage;
    const store = orchestrator.app.get(DeadLetterStore);
    await store.keep(captureDeadLetter('credit.commands', message, new Date()));
    await store.keep(captureDeadLetter('credit.commands', message, new Date()));

    expect(await listed(envelope.messageId)).toHaveLength(1);
  });

  it('answers 404 for an unknown id, 400 for a bad id or filter, 403 and 401 to non-admins', async () => {
    const unknown = randomUUID();
    for (const action of ['replay', 'discard']) {
      const answer = await orchestrator.request('POST', `/dead-letters/${unknown}/${action}`);
      expect(answer).toMatchObject({ status: 404, body: { statusCode: 404 } });
    }
    expect((await orchestrator.request('POST', '/dead-letters/42/replay')).status).toBe(400);
    expect((await orchestrator.request('GET', '/dead-letters?status=GONE')).status).toBe(400);
    expect((await orchestrator.request('GET', '/dead-letters?cursor=nope')).status).toBe(400);
    const customer = { token: await customerToken(randomUUID()) };
    const asCustomer = await orchestrator.request('GET', '/dead-letters', undefined, customer);
    expect(asCustomer.status).toBe(403);
    const anonymous = await orchestrator.request('GET', '/dead-letters', undefined, null);
    expect(anonymous.status).toBe(401);
  });

  it('pages newest first', async () => {
    const queue = 'payment.commands';
    const letters = [0, 1, 2].map(() => anEnvelope('payment.charge-payment', {}));
    for (const [index, letter] of letters.entries()) {
      await deadLetter(queue, letter, 'paging', new Date(Date.UTC(2026, 0, 1, 0, 0, index)));
    }
    await listed(letters[2].messageId, `?queue=${queue}`);
    await listed(letters[0].messageId, `?queue=${queue}`);
    const first = await orchestrator.request('GET', `/dead-letters?queue=${queue}&limit=2`);
    const firstItems = first.body.items as DeadLetterBody[];
    expect(firstItems.map((item) => item.messageId)).toEqual([
      letters[2].messageId,
      letters[1].messageId,
    ]);
    const next = await orchestrator.request(
      'GET',
      `/dead-letters?queue=${queue}&limit=2&cursor=${String(first.body.nextCursor)}`,
    );
    expect((next.body.items as DeadLetterBody[]).map((item) => item.messageId)).toEqual([
      letters[0].messageId,
    ]);
    expect(next.body.nextCursor).toBeNull();
  });
});

import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { EventBus, type IEvent } from '@nestjs/cqrs';
import { payment, type CommandDefinition, type PayloadOf } from '@app/contracts';
import type { DeferredReply } from '@app/messaging';
import type { Subscription } from 'rxjs';
import { DataSource } from 'typeorm';
import { customerToken } from '../../../test/support/dev-tokens.js';
import { eventually } from '../../../test/support/eventually.js';
import { ParticipantUnderTest } from '../../../test/support/participant-under-test.js';
import { AfterCommitPublisher } from '@app/persistence';
import {
  PaymentChargedEvent,
  PaymentChargeRequestedEvent,
  PaymentVoidRequestedEvent,
  PaymentDeclinedEvent,
  PaymentFencedEvent,
  PaymentVoidedEvent,
} from '../src/events/payment.events.js';
import {
  PAYMENT_PROVIDER,
  type ChargeRequest,
  type ChargeResult,
} from '../src/payment-provider.js';
import { PaymentSimulatorProvider } from '../src/payment-simulator.provider.js';
import { loadPaymentConfig } from '../src/payment.config.js';
import { PaymentModule } from '../src/payment.module.js';
import { PaymentRepository } from '../src/payment.repository.js';

const SLOW_MS = 400;

jest.setTimeout(30_000);

/** A promise the test resolves when it wants. */
class Gate {
  open: () => void = () => undefined;
  readonly passed = new Promise<void>((resolve) => (this.open = resolve));
}

/** A token the test's provider sits on until `release()`: a provider that hangs. */
const HELD_TOKEN = 'tok_held';

/** The shipped simulator, recording what the service asked of it. */
class RecordingSimulator extends PaymentSimulatorProvider {
  readonly charges: ChargeRequest[] = [];
  readonly voids: string[] = [];
  private held = new Gate();

  override async charge(request: ChargeRequest): Promise<ChargeResult> {
    this.charges.push(request);
    if (request.token !== HELD_TOKEN) return super.charge(request);
    await this.held.passed;
    return super.charge({ ...request, token: 'tok_approve' });
  }

  /** Lets every held charge through. */
  release(): void {
    this.held.open();
    this.held = new Gate();
  }

  override void(reference: string): Promise<void> {
    this.voids.push(reference);
    return super.void(reference);
  }

  chargesOf(orderId: string): ChargeRequest[] {
    return this.charges.filter((request) => request.orderId === orderId);
  }
}

const simulator = new RecordingSimulator({ slowMs: SLOW_MS });
const participant = new ParticipantUnderTest({
  service: 'payment',
  rootModule: (env) => PaymentModule.register(loadPaymentConfig(env)),
  env: { LOG_LEVEL: 'error', PAYMENT_SIMULATOR_SLOW_MS: String(SLOW_MS) },
  overrides: [{ provide: PAYMENT_PROVIDER, useValue: simulator }],
});
const { orchestrator } = participant;

/** Publishes a command the way the orchestrator's relay would, within a saga. */
function send<D extends CommandDefinition>(command: D, body: PayloadOf<D>): string {
  return orchestrator.publish(command, body, { sagaId: randomUUID() });
}

const replyTo = (messageId: string) => orchestrator.replyTo(messageId, 10_000);

const paymentOf = (orderId: string) => participant.request('GET', `/payments?orderId=${orderId}`);

function aChargePayment(paymentToken = 'tok_approve'): payment.ChargePayment {
  return {
    orderId: randomUUID(),
    customerId: randomUUID(),
    total: { amount: 4200, currency: 'EUR' },
    paymentToken,
  };
}

beforeAll(() => participant.start());
afterAll(() => participant.stop());

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
        failure: null,
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
      },
    });
  });

  it.each([
    ['tok_decline', 'payment.card-declined', 'the card was declined'],
    ['tok_insufficient_funds', 'payment.insufficient-funds', 'the card has insufficient funds'],
    ['tok_unknown', 'payment.card-declined', expect.stringContaining('unknown test token')],
  ])('answers %s with %s, charges nothing and records the decline', async (token, code, reason) => {
    const command = aChargePayment(token);
    const reply = await replyTo(send(payment.ChargePayment, command));

    expect(reply).toEqual({ type: payment.PaymentChargeFailed.type, body: { code, reason } });
    // The decline is kept: the order's payment shows why, and a repeat is declined alike.
    expect((await paymentOf(command.orderId)).body).toMatchObject({
      status: 'DECLINED',
      failure: { code, reason },
      providerReference: null,
    });
    const repeat = await replyTo(send(payment.ChargePayment, command));
    expect(repeat).toEqual(reply);
    expect(simulator.chargesOf(command.orderId)).toHaveLength(1);
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

  it('answers a cancel of a charged order at once and voids it through the provider', async () => {
    const command = aChargePayment('tok_approve');
    const charged = await replyTo(send(payment.ChargePayment, command));
    const { providerReference } = (await paymentOf(command.orderId)).body as {
      providerReference: string;
    };

    const cancelled = await replyTo(send(payment.CancelPayment, { orderId: command.orderId }));
    expect(cancelled).toEqual({
      type: payment.PaymentCancelled.type,
      body: { orderId: command.orderId, paymentId: charged.body.paymentId, outcome: 'voiding' },
    });
    await eventually(async () => (await paymentOf(command.orderId)).body.status === 'VOIDED');
    expect(simulator.voids).toContain(providerReference);
  });

  it('answers a cancel while the provider is still charging, then voids the charge', async () => {
    const command = aChargePayment(HELD_TOKEN);
    const charge = send(payment.ChargePayment, command);
    await eventually(() => simulator.chargesOf(command.orderId).length === 1);
    expect((await paymentOf(command.orderId)).body).toMatchObject({ status: 'PENDING' });

    // The provider still holds the charge: the cancel does not wait for it.
    const cancelled = await replyTo(send(payment.CancelPayment, { orderId: command.orderId }));
    expect(cancelled.body).toMatchObject({ outcome: 'voiding' });
    expect(orchestrator.replies.has(charge)).toBe(false);

    simulator.release();
    expect(await replyTo(charge)).toEqual({
      type: payment.PaymentChargeFailed.type,
      body: { code: 'payment.fenced', reason: expect.stringContaining(command.orderId) },
    });
    await eventually(async () => (await paymentOf(command.orderId)).body.status === 'VOIDED');
    const { body } = await paymentOf(command.orderId);
    expect(simulator.voids).toContain(body.providerReference);
    expect(simulator.chargesOf(command.orderId)).toHaveLength(1);
  });

  it('answers other charges while the provider hangs on more charges than the pool has connections', async () => {
    // The pool has 8 connections: a charge that held its transaction across the call would
    // leave none for the next one.
    const held = Array.from({ length: 12 }, () => aChargePayment(HELD_TOKEN));
    const heldIds = held.map((command) => send(payment.ChargePayment, command));
    await eventually(() =>
      held.every((command) => simulator.chargesOf(command.orderId).length === 1),
    );

    const quick = await replyTo(send(payment.ChargePayment, aChargePayment('tok_approve')));
    expect(quick.type).toBe(payment.PaymentCharged.type);
    expect(heldIds.filter((id) => orchestrator.replies.has(id))).toEqual([]);

    simulator.release();
    const replies = await orchestrator.repliesTo(heldIds, 20_000);
    expect(replies.map((reply) => reply.type)).toEqual(held.map(() => payment.PaymentCharged.type));
  });

  it('answers 400 to an orderId that is not a UUID', async () => {
    expect(await paymentOf('not-a-uuid')).toEqual({
      status: 400,
      body: {
        statusCode: 400,
        error: 'Bad Request',
        message: 'Invalid order id: orderId',
        details: [{ field: 'orderId', message: 'must be a UUID' }],
      },
    });
  });

  it('shows a payment to an admin only: 401 without a token, 403 for a customer', async () => {
    const command = aChargePayment();
    await replyTo(send(payment.ChargePayment, command));
    const path = `/payments?orderId=${command.orderId}`;
    const customer = { token: await customerToken(command.customerId) };

    expect((await paymentOf(command.orderId)).status).toBe(200);
    expect((await participant.request('GET', path, undefined, null)).status).toBe(401);
    expect((await participant.request('GET', path, undefined, customer)).status).toBe(403);
  });
});

describe('PaymentRepository.transition', () => {
  /** A late answer's address, as a command handler keeps it. */
  const aDeferredReply = (): DeferredReply => ({
    messageId: randomUUID(),
    type: payment.ChargePayment.type,
    replyTo: 'replies',
    sagaId: randomUUID(),
    correlationId: randomUUID(),
    traceparent: '00-00000000000000000000000000000001-0000000000000001-01',
  });

  it('answers the replies a command added while the change waited for the row', async () => {
    const dataSource = participant.app.get(DataSource);
    const payments = participant.app.get(PaymentRepository);
    const orderId = randomUUID();
    const first = aDeferredReply();
    await dataSource.transaction((manager) =>
      payments.insertIfAbsent(
        {
          id: randomUUID(),
          orderId,
          amount: 4200,
          currency: 'EUR',
          status: 'PENDING',
          paymentToken: 'tok_approve',
          chargeReplies: [first],
          // Not due during the test: no settlement takes it meanwhile.
          settleAt: new Date(Date.now() + 3_600_000),
        },
        manager,
      ),
    );

    // A second charge holds the row and adds its reply; the change starts meanwhile, and waits.
    const second = aDeferredReply();
    let letSecondCommit: () => void = () => undefined;
    const secondHolds = new Promise<void>((resolve) => (letSecondCommit = resolve));
    let secondLocked: () => void = () => undefined;
    const locked = new Promise<void>((resolve) => (secondLocked = resolve));
    const secondCharge = dataSource.transaction(async (manager) => {
      const pending = await payments.lockByOrderId(orderId, manager);
      await payments.update(
        pending.id,
        { chargeReplies: [...pending.chargeReplies, second] },
        manager,
      );
      secondLocked();
      await secondHolds;
    });
    await locked;
    const change = dataSource.transaction((manager) =>
      payments.transition(
        orderId,
        'PENDING',
        {
          status: 'CHARGED',
          providerReference: 'ref',
          paymentToken: null,
          chargeReplies: [],
          settleAt: null,
        },
        manager,
      ),
    );
    await eventually(
      async () => {
        const [{ waiting }] = await dataSource.query<{ waiting: number }[]>(
          `SELECT count(*)::int AS waiting FROM pg_stat_activity
           WHERE wait_event_type = 'Lock' AND query LIKE '%WITH before AS%'`,
        );
        return waiting > 0;
      },
      { what: 'the change waiting for the row lock' },
    );
    letSecondCommit();
    await secondCharge;

    const before = await change;
    expect(before?.chargeReplies).toEqual([first, second]);
    expect((await paymentOf(orderId)).body).toMatchObject({ status: 'CHARGED' });
  });
});

describe('domain events', () => {
  const published: IEvent[] = [];
  let subscription: Subscription;

  beforeAll(() => {
    subscription = participant.app.get(EventBus).subscribe((event) => published.push(event));
  });
  afterAll(() => subscription.unsubscribe());

  /** The settled changes of an order's payment (not the requests to settle them). */
  const about = (orderId: string) =>
    published.filter(
      (event) =>
        !(
          event instanceof PaymentChargeRequestedEvent || event instanceof PaymentVoidRequestedEvent
        ) && (event as { orderId?: string }).orderId === orderId,
    );

  it('publishes a charge and its void, and a decline, which commits with its failure reply', async () => {
    const charged = aChargePayment('tok_approve');
    const declined = aChargePayment('tok_decline');
    const paid = await replyTo(send(payment.ChargePayment, charged));
    await replyTo(send(payment.CancelPayment, { orderId: charged.orderId }));
    await replyTo(send(payment.ChargePayment, declined));
    await replyTo(send(payment.ChargePayment, declined));

    await eventually(
      () => about(charged.orderId).length === 2 && about(declined.orderId).length === 1,
    );
    const paymentId = String(paid.body.paymentId);
    expect(about(charged.orderId)).toEqual([
      new PaymentChargedEvent(paymentId, charged.orderId, charged.total),
      new PaymentVoidedEvent(paymentId, charged.orderId),
    ]);
    const { body } = await paymentOf(declined.orderId);
    expect(about(declined.orderId)).toEqual([
      new PaymentDeclinedEvent(
        String(body.id),
        declined.orderId,
        'payment.card-declined',
        'the card was declined',
      ),
    ]);
  });

  it('publishes the events of a transaction when it commits, never when it rolls back', async () => {
    const dataSource = participant.app.get(DataSource);
    const publisher = participant.app.get(AfterCommitPublisher);
    const kept = new PaymentFencedEvent(randomUUID(), randomUUID());
    const undone = new PaymentFencedEvent(randomUUID(), randomUUID());

    await dataSource.transaction(async (manager) => {
      publisher.publishAfterCommit(manager, kept);
      await manager.query('SELECT 1');
      expect(published).not.toContain(kept);
    });
    expect(published).toContain(kept);

    const rolledBack = dataSource.transaction(async (manager) => {
      publisher.publishAfterCommit(manager, undone);
      await manager.query('SELECT 1');
      throw new Error('rolled back');
    });
    await expect(rolledBack).rejects.toThrow('rolled back');
    expect(published).not.toContain(undone);
  });
});

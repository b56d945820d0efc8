import { randomUUID } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { credit, order } from '@app/contracts';
import { defineSaga } from './saga-definition.js';
import { sagaHarness } from './saga-harness.js';
import { SagaStateMachine } from './saga-state-machine.js';

interface ReserveState {
  orderId: string;
  customerId: string;
  reservationId?: string;
}

/** A small saga: create an order, reserve credit (the pivot), approve the order until done. */
const reserveSaga = defineSaga<ReserveState>('reserve', {
  version: 1,
  timeout: '5s',
  retry: { initialDelayMs: 100, maxDelayMs: 400 },
})
  .step('create order')
  .invoke(order.CreatePendingOrder, ({ orderId, customerId }) => ({
    orderId,
    customerId,
    total: { amount: 100, currency: 'EUR' },
  }))
  .compensate(order.RejectOrder, ({ orderId }) => ({ orderId }), { attempts: 2 })
  .step('reserve credit')
  .invoke(credit.ReserveCredit, ({ orderId, customerId }) => ({
    orderId,
    customerId,
    total: { amount: 100, currency: 'EUR' },
  }))
  .onReply((state, reply) => ({ ...state, reservationId: reply.reservationId }))
  .compensate(credit.ReleaseCredit, ({ orderId }) => ({ orderId }))
  .pivot()
  .step('approve order')
  .invoke(order.ApproveOrder, ({ orderId }) => ({ orderId }))
  .attempts(2)
  .retryUntilDone()
  .build();

const aState = (): ReserveState => ({ orderId: randomUUID(), customerId: randomUUID() });

describe(SagaStateMachine.name, () => {
  it('RUNNING -> COMPLETED when every step succeeds', async () => {
    const saga = sagaHarness(reserveSaga, aState());
    saga.expectStatus('RUNNING');
    await saga.expectSent(order.CreatePendingOrder).replySuccess();
    await saga.expectSent(credit.ReserveCredit).replySuccess({ reservationId: 'r-1' });
    await saga.expectSent(order.ApproveOrder).replySuccess();
    saga.expectStatus('COMPLETED');
    expect(saga.state.reservationId).toBe('r-1');
    expect(saga.snapshot).toMatchObject({ deadline: null, awaitingMessageId: null });
  });

  it('RUNNING -> COMPENSATING -> COMPENSATED when a step fails', async () => {
    const saga = sagaHarness(reserveSaga, aState());
    await saga.expectSent(order.CreatePendingOrder).replySuccess();
    await saga.expectSent(credit.ReserveCredit).replyFailure('credit.insufficient-credit');
    saga.expectStatus('COMPENSATING');
    await saga.expectSent(order.RejectOrder).replySuccess();
    saga.expectStatus('COMPENSATED');
    expect(
      saga.timeline.map((entry) => `${entry.direction} ${entry.stepName} ${entry.event}`),
    ).toEqual([
      'forward create order sent',
      'forward create order succeeded',
      'forward reserve credit sent',
      'forward reserve credit failed',
      'backward create order sent',
      'backward create order succeeded',
    ]);
  });

  it('RUNNING -> COMPENSATED at once when the first step fails: nothing to undo', async () => {
    const saga = sagaHarness(reserveSaga, aState());
    await saga.expectSent(order.CreatePendingOrder).replyFailure('order.already-exists');
    saga.expectStatus('COMPENSATED');
    saga.expectNothingSent();
  });

  it('COMPENSATING -> FAILED -> COMPENSATING -> COMPENSATED through an operator retry', async () => {
    const saga = sagaHarness(reserveSaga, aState());
    await saga.expectSent(order.CreatePendingOrder).replySuccess();
    await saga.expectSent(credit.ReserveCredit).replyFailure('credit.unknown-customer');
    await saga.expectSent(order.RejectOrder).timeout();
    await saga.expectSent(order.RejectOrder).timeout();
    saga.expectStatus('FAILED');
    expect(saga.snapshot.lastError).toBe(
      'compensation of "create order" timed out after 2 attempts',
    );

    await saga.retry();
    saga.expectStatus('COMPENSATING');
    await saga.expectSent(order.RejectOrder).replySuccess();
    saga.expectStatus('COMPENSATED');
  });

  it('records on the timeline which operator retried or compensated the saga', async () => {
    const failed = sagaHarness(reserveSaga, aState());
    await failed.expectSent(order.CreatePendingOrder).replySuccess();
    await failed.expectSent(credit.ReserveCredit).replyFailure('credit.unknown-customer');
    await failed.expectSent(order.RejectOrder).timeout();
    await failed.expectSent(order.RejectOrder).timeout();
    await failed.retry('dev-admin');
    const stuck = sagaHarness(reserveSaga, aState());
    await stuck.compensate('ops-1');

    const operatorDetails = [...failed.timeline, ...stuck.timeline]
      .filter((entry) => entry.event === 'operator')
      .map((entry) => entry.detail);
    expect(operatorDetails).toEqual(['retry by dev-admin', 'compensate by ops-1']);
  });

  it('RUNNING -> FAILED when a step after the pivot runs out of attempts, then RUNNING on retry', async () => {
    const saga = sagaHarness(reserveSaga, aState());
    await saga.expectSent(order.CreatePendingOrder).replySuccess();
    await saga.expectSent(credit.ReserveCredit).replySuccess({ reservationId: 'r-1' });
    await saga.expectSent(order.ApproveOrder).replyFailure('order.not-found');
    await saga.expectSent(order.ApproveOrder).replyFailure('order.not-found');
    saga.expectStatus('FAILED');
    saga.expectNothingSent();

    await saga.retry();
    saga.expectStatus('RUNNING');
    await saga.expectSent(order.ApproveOrder).replySuccess();
    saga.expectStatus('COMPLETED');
  });

  it('compensates the timed-out step itself, since its outcome is unknown', async () => {
    const saga = sagaHarness(reserveSaga, aState());
    await saga.expectSent(order.CreatePendingOrder).replySuccess();
    for (let attempt = 1; attempt <= 3; attempt += 1) {
      await saga.expectSent(credit.ReserveCredit).timeout();
    }
    await saga.expectSent(credit.ReleaseCredit).replySuccess();
    await saga.expectSent(order.RejectOrder).replySuccess();
    saga.expectStatus('COMPENSATED');
  });

  it('waits the timeout, then the timeout plus a growing backoff, before each re-send', () => {
    let now = 0;
    const machine = new SagaStateMachine(reserveSaga, {
      now: () => new Date(now),
      newId: () => randomUUID(),
    });
    const first = machine.start(aState()).snapshot;
    expect(first.deadline?.getTime()).toBe(5000);
    now = 5000;
    const second = machine.deadline(first);
    expect(second.send[0].messageId).toBe(first.awaitingMessageId);
    expect(second.send[0].resend).toBe(true);
    expect(second.snapshot.deadline?.getTime()).toBe(5000 + 5000 + 100);
    now = 10_100;
    expect(machine.deadline(second.snapshot).snapshot.deadline?.getTime()).toBe(
      10_100 + 5000 + 200,
    );
  });

  describe('a deadline measures the participant, not its queue', () => {
    const busy = { busy: true, queued: 40 };

    it('costs no attempt and re-sends nothing while the participant works through a backlog', async () => {
      const saga = sagaHarness(reserveSaga, aState());
      await saga.expectSent(order.CreatePendingOrder).replySuccess();
      const reserve = saga.expectSent(credit.ReserveCredit);
      for (let overdue = 0; overdue < 5; overdue += 1) {
        await reserve.timeout(busy);
        saga.expectNothingSent();
      }
      expect(saga.snapshot.attempt).toBe(1);
      expect(saga.timeline.at(-1)).toMatchObject({
        event: 'waiting',
        detail: 'participant busy (40 queued); attempt 1 not counted',
      });
      // The command was only queued: its reply, when it comes, moves the saga on.
      await reserve.replySuccess({ reservationId: 'r-1' });
      await saga.expectSent(order.ApproveOrder).replySuccess();
      saga.expectStatus('COMPLETED');
    });

    it('counts overdue replies again once the budget from the first send is spent', () => {
      const budgeted = defineSaga<ReserveState>('budgeted', {
        version: 1,
        timeout: '5s',
        budget: '12s',
      })
        .step('create order')
        .invoke(order.CreatePendingOrder, ({ orderId, customerId }) => ({
          orderId,
          customerId,
          total: { amount: 100, currency: 'EUR' },
        }))
        .build();
      let now = 0;
      const machine = new SagaStateMachine(budgeted, {
        now: () => new Date(now),
        newId: () => randomUUID(),
      });
      const sent = machine.start(aState()).snapshot;
      now = 5000;
      const waited = machine.deadline(sent, busy);
      expect(waited.send).toEqual([]);
      expect(waited.snapshot.deadline?.getTime()).toBe(10_000);
      now = 10_000;
      const capped = machine.deadline(waited.snapshot, busy);
      expect(capped.snapshot.deadline?.getTime()).toBe(12_000);
      now = 12_000;
      const resent = machine.deadline(capped.snapshot, busy);
      expect(resent.send).toMatchObject([{ messageId: sent.awaitingMessageId, resend: true }]);
      expect(resent.snapshot.attempt).toBe(2);
    });

    it('waits alike when nobody can tell whether the participant got the command', async () => {
      const saga = sagaHarness(reserveSaga, aState());
      const create = saga.expectSent(order.CreatePendingOrder);
      await create.timeout({ busy: true, unknown: 'the broker cannot tell' });
      saga.expectNothingSent();
      expect(saga.snapshot.attempt).toBe(1);
      expect(saga.timeline.at(-1)).toMatchObject({
        event: 'waiting',
        detail: 'the broker cannot tell; attempt 1 not counted',
      });
    });

    it('re-sends as before when the participant is idle: the command, or its reply, was lost', async () => {
      const saga = sagaHarness(reserveSaga, aState());
      const create = saga.expectSent(order.CreatePendingOrder);
      await create.timeout({ busy: false, queued: 0 });
      expect(saga.expectSent(order.CreatePendingOrder).sent).toMatchObject({
        messageId: create.sent.messageId,
        resend: true,
      });
    });
  });

  it('ignores late, unrelated and duplicate replies, recording them in the timeline', () => {
    const machine = new SagaStateMachine(reserveSaga, {
      now: () => new Date(0),
      newId: () => randomUUID(),
    });
    const started = machine.start(aState()).snapshot;
    const awaited = started.awaitingMessageId ?? '';
    const success = { messageId: 'reply-1', type: order.OrderCreated.type, payload: {} };

    const stranger = machine.reply(started, { ...success, causationId: randomUUID() });
    expect(stranger).toMatchObject({ changed: false, snapshot: started, send: [] });
    expect(stranger.log[0]).toMatchObject({
      event: 'ignored',
      detail: 'answers a command not awaited',
    });

    const wrongType = machine.reply(started, {
      ...success,
      causationId: awaited,
      type: credit.CreditReserved.type,
    });
    expect(wrongType.changed).toBe(false);

    const moved = machine.reply(started, { ...success, causationId: awaited });
    expect(moved.changed).toBe(true);
    const duplicate = machine.reply(moved.snapshot, { ...success, causationId: awaited });
    expect(duplicate.changed).toBe(false);
    expect(duplicate.log[0]).toMatchObject({ event: 'ignored' });
  });

  it('refuses operator actions the status does not allow', async () => {
    const saga = sagaHarness(reserveSaga, aState());
    await expect(saga.retry()).rejects.toThrow('Only a FAILED saga can be retried');
    await saga.expectSent(order.CreatePendingOrder).replyFailure('order.already-exists');
    await expect(saga.compensate()).rejects.toThrow('Only a RUNNING saga can be compensated');
  });

  it('does nothing on a deadline once the saga has ended', async () => {
    const saga = sagaHarness(reserveSaga, aState());
    await saga.expectSent(order.CreatePendingOrder).replyFailure('order.already-exists');
    const machine = new SagaStateMachine(reserveSaga, {
      now: () => new Date(),
      newId: () => randomUUID(),
    });
    expect(machine.deadline(saga.snapshot)).toMatchObject({ changed: false, send: [] });
  });

  it('restarts a stuck saga from a named step on its timeline, with fresh attempts', async () => {
    const saga = sagaHarness(reserveSaga, aState());
    await saga.expectSent(order.CreatePendingOrder).replySuccess();
    const stuck = saga.expectSent(credit.ReserveCredit);

    await saga.restartFrom('create order');
    saga.expectStatus('RUNNING');
    expect(saga.timeline.at(-2)).toMatchObject({
      event: 'operator',
      detail: 'restart from "create order"',
    });
    await saga.expectSent(order.CreatePendingOrder).replySuccess();
    const again = saga.expectSent(credit.ReserveCredit);
    expect(again.sent.messageId).not.toBe(stuck.sent.messageId);
    await again.replySuccess({ reservationId: 'r-1' });
    await saga.expectSent(order.ApproveOrder).replySuccess();
    saga.expectStatus('COMPLETED');
  });

  it('restarts a FAILED saga past its pivot from a step after it, never before it', async () => {
    const saga = sagaHarness(reserveSaga, aState());
    await saga.expectSent(order.CreatePendingOrder).replySuccess();
    await saga.expectSent(credit.ReserveCredit).replySuccess({ reservationId: 'r-1' });
    await saga.expectSent(order.ApproveOrder).replyFailure('order.not-found');
    await saga.expectSent(order.ApproveOrder).replyFailure('order.not-found');
    saga.expectStatus('FAILED');

    await expect(saga.restartFrom('reserve credit')).rejects.toThrow(
      'comes before the pivot "reserve credit", which succeeded',
    );
    await expect(saga.restartFrom('no such step')).rejects.toThrow('has no step "no such step"');
    await saga.restartFrom('approve order');
    saga.expectStatus('RUNNING');
    await saga.expectSent(order.ApproveOrder).replySuccess();
    saga.expectStatus('COMPLETED');
    await expect(saga.restartFrom('approve order')).rejects.toThrow('is finished');
  });

  it('refuses to restart from a step the saga has not reached', async () => {
    const saga = sagaHarness(reserveSaga, aState());
    await expect(saga.restartFrom('approve order')).rejects.toThrow('would skip steps');
  });
});

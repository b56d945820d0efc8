import { randomUUID } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { credit, order, payment } from '@app/contracts';
import { sagaHarness } from '@app/saga/testing';
import { placeOrderSaga, type PlaceOrderState } from './place-order.saga.js';

const reservationId = randomUUID();
const paymentId = randomUUID();

function aPlaceOrderState(overrides: Partial<PlaceOrderState> = {}): PlaceOrderState {
  return {
    orderId: randomUUID(),
    customerId: randomUUID(),
    total: { amount: 1250, currency: 'EUR' },
    paymentToken: 'tok_approve',
    ...overrides,
  };
}

/** Runs the saga up to the charge, with credit reserved. */
async function chargingPayment(state = aPlaceOrderState()) {
  const saga = sagaHarness(placeOrderSaga(), state);
  await saga.expectSent(order.CreatePendingOrder).replySuccess();
  await saga.expectSent(credit.ReserveCredit).replySuccess({ reservationId });
  return saga;
}

describe('placeOrderSaga', () => {
  it('creates, reserves, charges and approves the order', async () => {
    const state = aPlaceOrderState();
    const saga = sagaHarness(placeOrderSaga(), state);
    const { orderId, customerId, total, paymentToken } = state;

    await saga.expectSent(order.CreatePendingOrder, { orderId, customerId, total }).replySuccess();
    await saga.expectSent(credit.ReserveCredit, { orderId, customerId, total }).replySuccess({
      reservationId,
    });
    await saga
      .expectSent(payment.ChargePayment, { orderId, total, paymentToken })
      .replySuccess({ paymentId });
    await saga.expectSent(order.ApproveOrder, { orderId }).replySuccess();

    saga.expectStatus('COMPLETED');
    saga.expectNothingSent();
    expect(saga.state).toMatchObject({ reservationId, paymentId });
  });

  it('forgets the payment token once the charge succeeded, before approving the order', async () => {
    const saga = await chargingPayment();
    await saga.expectSent(payment.ChargePayment).replySuccess({ paymentId });

    expect(saga.state).not.toHaveProperty('paymentToken');
    expect(saga.snapshot.state).not.toHaveProperty('paymentToken');
    await saga.expectSent(order.ApproveOrder).replySuccess();
    saga.expectStatus('COMPLETED');
  });

  it('keeps the payment token while the charge may still be re-sent', async () => {
    const saga = await chargingPayment();
    const charge = saga.expectSent(payment.ChargePayment);
    await charge.timeout();

    const resent = saga.expectSent(payment.ChargePayment, { paymentToken: 'tok_approve' });
    expect(resent.sent.messageId).toBe(charge.sent.messageId);
  });

  it('rejects the order when credit is insufficient', async () => {
    const saga = sagaHarness(placeOrderSaga(), aPlaceOrderState());
    await saga.expectSent(order.CreatePendingOrder).replySuccess();
    await saga.expectSent(credit.ReserveCredit).replyFailure('credit.insufficient-credit');
    await saga.expectSent(order.RejectOrder).replySuccess();

    saga.expectStatus('COMPENSATED');
    saga.expectNothingSent();
    expect(saga.snapshot.lastError).toContain('credit.insufficient-credit');
  });

  it('rejects the order when the customer is unknown', async () => {
    const state = aPlaceOrderState();
    const saga = sagaHarness(placeOrderSaga(), state);
    await saga.expectSent(order.CreatePendingOrder).replySuccess();
    await saga.expectSent(credit.ReserveCredit).replyFailure('credit.unknown-customer');
    const rejection = saga.expectSent(order.RejectOrder, { orderId: state.orderId });
    // The order keeps why it was rejected, for the customer to read.
    expect(rejection.payload.reason).toContain('credit.unknown-customer');
    await rejection.replySuccess();

    saga.expectStatus('COMPENSATED');
  });

  it('releases credit and rejects the order when the card is declined', async () => {
    const saga = await chargingPayment();
    await saga.expectSent(payment.ChargePayment).replyFailure('payment.card-declined');
    await saga.expectSent(credit.ReleaseCredit, { reservationId }).replySuccess();
    await saga.expectSent(order.RejectOrder).replySuccess();

    saga.expectStatus('COMPENSATED');
    saga.expectNothingSent();
  });

  it('ends without compensation when the pending order cannot be created', async () => {
    const saga = sagaHarness(placeOrderSaga(), aPlaceOrderState());
    await saga.expectSent(order.CreatePendingOrder).replyFailure('order.already-exists');

    saga.expectStatus('COMPENSATED');
    saga.expectNothingSent();
  });

  it('re-sends the same charge on timeout, then cancels payment, releases credit and rejects', async () => {
    const state = aPlaceOrderState();
    const saga = await chargingPayment(state);
    const charge = saga.expectSent(payment.ChargePayment);
    await charge.timeout();
    const resent = saga.expectSent(payment.ChargePayment);
    expect(resent.sent.messageId).toBe(charge.sent.messageId);
    await resent.timeout();

    saga.expectStatus('COMPENSATING');
    await saga.expectSent(payment.CancelPayment, { orderId: state.orderId }).replySuccess();
    await saga
      .expectSent(credit.ReleaseCredit, { orderId: state.orderId, reservationId })
      .replySuccess();
    await saga.expectSent(order.RejectOrder, { orderId: state.orderId }).replySuccess();
    saga.expectStatus('COMPENSATED');
    expect(saga.snapshot.lastError).toBe('step "charge payment" timed out after 2 attempts');
  });

  it('ignores a charge that answers after the saga gave up on it', async () => {
    const saga = await chargingPayment();
    const charge = saga.expectSent(payment.ChargePayment);
    await charge.timeout();
    await saga.expectSent(payment.ChargePayment).timeout();
    await charge.replySuccess({ paymentId });

    saga.expectStatus('COMPENSATING');
    saga.expectSent(payment.CancelPayment);
    expect(saga.timeline.at(-1)).toMatchObject({
      event: 'ignored',
      messageType: payment.PaymentCharged.type,
    });
  });

  it('releases credit by order id when the reservation itself timed out', async () => {
    const state = aPlaceOrderState();
    const saga = sagaHarness(placeOrderSaga(), state);
    await saga.expectSent(order.CreatePendingOrder).replySuccess();
    await saga.expectSent(credit.ReserveCredit).timeout();
    await saga.expectSent(credit.ReserveCredit).timeout();
    await saga.expectSent(credit.ReserveCredit).timeout();

    const release = saga.expectSent(credit.ReleaseCredit, { orderId: state.orderId });
    expect(release.payload).not.toHaveProperty('reservationId');
    await release.replySuccess({ outcome: 'fenced' });
    await saga.expectSent(order.RejectOrder).replySuccess();
    saga.expectStatus('COMPENSATED');
  });

  it('goes to FAILED when a compensation keeps failing, and an operator can retry it', async () => {
    const saga = await chargingPayment();
    await saga.expectSent(payment.ChargePayment).replyFailure('payment.card-declined');
    for (let attempt = 1; attempt <= 5; attempt += 1) {
      await saga.expectSent(credit.ReleaseCredit).replyFailure('credit.unknown-reservation');
    }

    saga.expectStatus('FAILED');
    saga.expectNothingSent();
    expect(saga.snapshot.lastError).toContain('compensation of "reserve credit" failed');

    await saga.retry();
    saga.expectStatus('COMPENSATING');
    await saga.expectSent(credit.ReleaseCredit, { reservationId }).replySuccess();
    await saga.expectSent(order.RejectOrder).replySuccess();
    saga.expectStatus('COMPENSATED');
  });

  it('retries a failing compensation with a new message each time', async () => {
    const saga = sagaHarness(placeOrderSaga(), aPlaceOrderState());
    await saga.expectSent(order.CreatePendingOrder).replySuccess();
    await saga.expectSent(credit.ReserveCredit).replyFailure('credit.insufficient-credit');
    const first = saga.expectSent(order.RejectOrder);
    await first.replyFailure('order.not-found');
    const second = saga.expectSent(order.RejectOrder);
    expect(second.sent.messageId).not.toBe(first.sent.messageId);
    await second.replySuccess();
    saga.expectStatus('COMPENSATED');
  });

  it('retries approving the order until done, never undoing the charge', async () => {
    const saga = await chargingPayment();
    await saga.expectSent(payment.ChargePayment).replySuccess({ paymentId });
    await saga.expectSent(order.ApproveOrder).timeout();
    await saga.expectSent(order.ApproveOrder).replyFailure('order.not-pending');
    await saga.expectSent(order.ApproveOrder).replySuccess();

    saga.expectStatus('COMPLETED');
    saga.expectNothingSent();
  });

  it('lets an operator compensate a stuck saga before the pivot, fencing the step in flight', async () => {
    const state = aPlaceOrderState();
    const saga = sagaHarness(placeOrderSaga(), state);
    await saga.expectSent(order.CreatePendingOrder).replySuccess();
    saga.expectSent(credit.ReserveCredit);

    await saga.compensate();
    await saga.expectSent(credit.ReleaseCredit, { orderId: state.orderId }).replySuccess();
    await saga.expectSent(order.RejectOrder).replySuccess();
    saga.expectStatus('COMPENSATED');
  });

  it('refuses to compensate a saga past its pivot', async () => {
    const saga = await chargingPayment();
    await saga.expectSent(payment.ChargePayment).replySuccess({ paymentId });
    await expect(saga.compensate()).rejects.toThrow('passed its pivot');
  });
});

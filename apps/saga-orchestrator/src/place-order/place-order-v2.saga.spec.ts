import { randomUUID } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { credit, order, payment } from '@app/contracts';
import { sagaHarness } from '@app/saga/testing';
import { placeOrderSagaV2 } from './place-order-v2.saga.js';
import { placeOrderSaga, type PlaceOrderState } from './place-order.saga.js';

const reservationId = randomUUID();

function aPlaceOrderState(paymentToken = 'tok_approve'): PlaceOrderState {
  return {
    orderId: randomUUID(),
    customerId: randomUUID(),
    total: { amount: 1250, currency: 'EUR' },
    paymentToken,
  };
}

describe('placeOrderSagaV2', () => {
  it('screens the payment before charging it', async () => {
    const state = aPlaceOrderState();
    const saga = sagaHarness(placeOrderSagaV2(), state);
    await saga.expectSent(order.CreatePendingOrder).replySuccess();
    await saga.expectSent(credit.ReserveCredit).replySuccess({ reservationId });
    await saga
      .expectSent(payment.ScreenPayment, { orderId: state.orderId, paymentToken: 'tok_approve' })
      .replySuccess();
    await saga.expectSent(payment.ChargePayment).replySuccess({ paymentId: randomUUID() });
    await saga.expectSent(order.ApproveOrder).replySuccess();
    saga.expectStatus('COMPLETED');
  });

  it('forgets the payment token once the charge succeeded', async () => {
    const saga = sagaHarness(placeOrderSagaV2(), aPlaceOrderState());
    await saga.expectSent(order.CreatePendingOrder).replySuccess();
    await saga.expectSent(credit.ReserveCredit).replySuccess({ reservationId });
    await saga.expectSent(payment.ScreenPayment).replySuccess();
    await saga.expectSent(payment.ChargePayment).replySuccess({ paymentId: randomUUID() });
    expect(saga.state).not.toHaveProperty('paymentToken');
  });

  it('releases credit and rejects the order when fraud is suspected, charging nothing', async () => {
    const saga = sagaHarness(placeOrderSagaV2(), aPlaceOrderState('tok_fraud'));
    await saga.expectSent(order.CreatePendingOrder).replySuccess();
    await saga.expectSent(credit.ReserveCredit).replySuccess({ reservationId });
    await saga.expectSent(payment.ScreenPayment).replyFailure('payment.fraud-suspected');
    await saga.expectSent(credit.ReleaseCredit, { reservationId }).replySuccess();
    const rejection = saga.expectSent(order.RejectOrder);
    expect(rejection.payload.reason).toContain('payment.fraud-suspected');
    await rejection.replySuccess();
    saga.expectStatus('COMPENSATED');
  });

  it('is another version of place-order, with another shape', () => {
    const [v1, v2] = [placeOrderSaga(), placeOrderSagaV2()];
    expect([v1.name, v1.version, v2.name, v2.version]).toEqual([
      'place-order',
      1,
      'place-order',
      2,
    ]);
    expect(v2.fingerprint).not.toBe(v1.fingerprint);
  });
});

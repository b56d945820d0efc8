import { randomUUID } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { credit, order, payment } from '@app/contracts';
import { sagaHarness } from '@app/saga/testing';
import { cancelOrderSaga, type CancelOrderState } from './cancel-order.saga.js';

const paymentId = randomUUID();

function aCancelOrderState(overrides: Partial<CancelOrderState> = {}): CancelOrderState {
  return {
    orderId: randomUUID(),
    customerId: randomUUID(),
    cancellationId: randomUUID(),
    ...overrides,
  };
}

/** Runs the saga up to the refund, with the order locked CANCELLING. */
async function refunding(state = aCancelOrderState()) {
  const saga = sagaHarness(cancelOrderSaga(), state);
  await saga.expectSent(order.BeginOrderCancellation).replySuccess();
  return saga;
}

describe('cancelOrderSaga', () => {
  it('locks the order, refunds, releases credit and marks the order cancelled', async () => {
    const state = aCancelOrderState();
    const { orderId, customerId, cancellationId } = state;
    const saga = sagaHarness(cancelOrderSaga(), state);

    await saga
      .expectSent(order.BeginOrderCancellation, { orderId, customerId, cancellationId })
      .replySuccess();
    await saga.expectSent(payment.RefundPayment, { orderId }).replySuccess({ paymentId });
    await saga.expectSent(credit.ReleaseCredit, { orderId }).replySuccess();
    await saga.expectSent(order.CompleteOrderCancellation, { orderId }).replySuccess();

    saga.expectStatus('COMPLETED');
    saga.expectNothingSent();
    expect(saga.state.paymentId).toBe(paymentId);
  });

  it('returns the order to APPROVED with the reason when the refund is refused', async () => {
    const state = aCancelOrderState();
    const saga = await refunding(state);
    await saga.expectSent(payment.RefundPayment).replyFailure('payment.refund-refused');

    const abort = saga.expectSent(order.AbortOrderCancellation, {
      orderId: state.orderId,
      cancellationId: state.cancellationId,
    });
    expect(abort.payload.reason).toContain('payment.refund-refused');
    await abort.replySuccess();
    saga.expectStatus('COMPENSATED');
    saga.expectNothingSent();
  });

  it('ends at once when the order may not be cancelled', async () => {
    const saga = sagaHarness(cancelOrderSaga(), aCancelOrderState());
    await saga.expectSent(order.BeginOrderCancellation).replyFailure('order.cancel-window-passed');

    saga.expectStatus('COMPENSATED');
    saga.expectNothingSent();
    expect(saga.snapshot.lastError).toContain('order.cancel-window-passed');
  });

  it('fences the lock when marking the order cancelling timed out', async () => {
    const state = aCancelOrderState();
    const saga = sagaHarness(cancelOrderSaga(), state);
    for (let attempt = 1; attempt <= 3; attempt += 1) {
      await saga.expectSent(order.BeginOrderCancellation).timeout();
    }

    await saga
      .expectSent(order.AbortOrderCancellation, { cancellationId: state.cancellationId })
      .replySuccess();
    saga.expectStatus('COMPENSATED');
  });

  it('asks an operator when the refund’s outcome stays unknown, never un-cancelling blindly', async () => {
    const saga = await refunding();
    const refund = saga.expectSent(payment.RefundPayment);
    await refund.timeout();
    for (let attempt = 2; attempt <= 5; attempt += 1) {
      const resent = saga.expectSent(payment.RefundPayment);
      expect(resent.sent.messageId).toBe(refund.sent.messageId);
      await resent.timeout();
    }

    saga.expectStatus('FAILED');
    saga.expectNothingSent();
    await saga.retry();
    await saga.expectSent(payment.RefundPayment).replySuccess({ paymentId });
    await saga.expectSent(credit.ReleaseCredit).replySuccess();
    await saga.expectSent(order.CompleteOrderCancellation).replySuccess();
    saga.expectStatus('COMPLETED');
  });

  it('retries releasing credit and marking the order cancelled until done once refunded', async () => {
    const saga = await refunding();
    await saga.expectSent(payment.RefundPayment).replySuccess({ paymentId });
    await saga.expectSent(credit.ReleaseCredit).timeout();
    await saga.expectSent(credit.ReleaseCredit).replyFailure('credit.unknown-reservation');
    await saga.expectSent(credit.ReleaseCredit).replySuccess();
    await saga.expectSent(order.CompleteOrderCancellation).replyFailure('order.not-found');
    await saga.expectSent(order.CompleteOrderCancellation).replySuccess();
    saga.expectStatus('COMPLETED');
  });

  it('refuses an operator’s restart from before the refund once it succeeded', async () => {
    const saga = await refunding();
    await saga.expectSent(payment.RefundPayment).replySuccess({ paymentId });
    saga.expectSent(credit.ReleaseCredit);

    await expect(saga.restartFrom('mark order cancelling')).rejects.toThrow(
      'comes before the pivot "refund payment"',
    );
    await saga.restartFrom('release credit');
    await saga.expectSent(credit.ReleaseCredit).replySuccess();
    await saga.expectSent(order.CompleteOrderCancellation).replySuccess();
    saga.expectStatus('COMPLETED');
  });
});

import 'reflect-metadata';
import { beforeEach, describe, expect, it } from '@jest/globals';
import type { DeferredReply } from '@app/messaging';
import { PaymentSettlement } from './payment-settlement.js';
import {
  aPayment,
  paymentTestbed,
  SETTLEMENT_OPTIONS,
  type PaymentTestbed,
} from './payment.testbed.js';

describe(PaymentSettlement.name, () => {
  let bed: PaymentTestbed;

  beforeEach(async () => {
    bed = await paymentTestbed([]);
  });

  function aDuePayment() {
    const pending = aPayment({
      status: 'PENDING',
      providerReference: null,
      paymentToken: 'tok_approve',
      settleAt: new Date(0),
    });
    bed.payments.rows.set(pending.orderId, pending);
    return pending;
  }

  async function sweep(): Promise<void> {
    await bed.settlement.settleDue();
    await bed.settlement.idle();
  }

  it('gives up on a provider that does not answer in time, and asks again later, counted', async () => {
    const pending = aDuePayment();
    bed.provider.charge = () => new Promise(() => undefined);
    const before = Date.now();

    await sweep();
    const row = bed.payments.rows.get(pending.orderId);
    expect(row).toMatchObject({ status: 'PENDING', settleAttempts: 1 });
    expect(row?.settleAt?.getTime()).toBeGreaterThanOrEqual(
      before + SETTLEMENT_OPTIONS.providerTimeoutMs,
    );
  });

  it('waits for a busy database without counting an attempt against the provider', async () => {
    const pending = aDuePayment();
    const transition = bed.payments.transition.bind(bed.payments);
    bed.payments.transition = () =>
      Promise.reject(new Error('timeout exceeded when trying to connect'));

    await sweep();
    expect(bed.payments.rows.get(pending.orderId)).toMatchObject({
      status: 'PENDING',
      settleAttempts: 0,
    });

    bed.payments.transition = transition;
    const row = bed.payments.rows.get(pending.orderId);
    if (row) row.settleAt = new Date(0);
    await sweep();
    expect(bed.payments.rows.get(pending.orderId)).toMatchObject({
      status: 'CHARGED',
      paymentToken: null,
      settleAt: null,
    });
  });

  it('keeps the outcome another instance recorded while the provider answered this one', async () => {
    const pending = aDuePayment();
    bed.provider.charge = () => {
      // The other instance, whose lease ran out first, records its charge meanwhile.
      Object.assign(bed.payments.rows.get(pending.orderId) ?? {}, {
        status: 'CHARGED',
        providerReference: 'ref-other',
        paymentToken: null,
        settleAt: null,
      });
      return Promise.resolve({ outcome: 'declined', code: 'card-declined', reason: 'late' });
    };

    await sweep();
    expect(bed.payments.rows.get(pending.orderId)).toMatchObject({
      status: 'CHARGED',
      providerReference: 'ref-other',
      failureCode: null,
    });
    expect(bed.replies.answers).toEqual([]);
  });

  it('leaves a payment alone while another instance holds its lease', async () => {
    const leased = aPayment({
      status: 'PENDING',
      paymentToken: 'tok_approve',
      settleAt: new Date(Date.now() + 60_000),
    });
    bed.payments.rows.set(leased.orderId, leased);

    await sweep();
    expect(bed.provider.charges).toEqual([]);
    expect(bed.payments.rows.get(leased.orderId)?.status).toBe('PENDING');
  });

  it('answers the cancels a payment recorded waiting before they were answered at once', async () => {
    const pending = aDuePayment();
    const waiting: DeferredReply = {
      messageId: 'cancel-1',
      type: 'payment.cancel-payment',
      replyTo: 'saga-orchestrator.replies',
      correlationId: 'saga-1',
      traceparent: `00-${'1'.repeat(32)}-${'2'.repeat(16)}-01`,
    };
    // Such a row has no `cancelledAt`: the waiting cancel alone says it was cancelled.
    Object.assign(bed.payments.rows.get(pending.orderId) ?? {}, { cancelReplies: [waiting] });

    await sweep();
    expect(bed.provider.voids).toEqual(['ref-1']);
    expect(bed.payments.rows.get(pending.orderId)).toMatchObject({
      status: 'VOIDED',
      cancelReplies: [],
    });
    expect(bed.replies.answers).toEqual([
      {
        command: 'payment.cancel-payment',
        to: 'cancel-1',
        outcome: { orderId: pending.orderId, paymentId: pending.id, outcome: 'voided' },
      },
    ]);
  });
});

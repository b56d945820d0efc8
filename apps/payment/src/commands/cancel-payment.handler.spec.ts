import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { beforeEach, describe, expect, it } from '@jest/globals';
import { DomainError } from '@app/messaging';
import {
  PaymentFencedEvent,
  PaymentVoidedEvent,
  PaymentVoidRequestedEvent,
} from '../events/payment.events.js';
import type { Payment } from '../payment.entity.js';
import { aPayment, paymentTestbed, type PaymentTestbed } from '../payment.testbed.js';
import { CancelPaymentCommand, CancelPaymentHandler } from './cancel-payment.handler.js';
import { ChargePaymentCommand, ChargePaymentHandler } from './charge-payment.handler.js';

describe(CancelPaymentHandler.name, () => {
  let bed: PaymentTestbed;

  beforeEach(async () => {
    bed = await paymentTestbed([CancelPaymentHandler, ChargePaymentHandler]);
  });

  /** Delivers a cancel; resolves once every settlement it started is done. */
  async function cancel(orderId: string) {
    const context = bed.context('payment.cancel-payment');
    const now = await bed.commandBus.execute(new CancelPaymentCommand({ orderId }, context));
    await bed.settlement.idle();
    return { now, later: bed.replies.to(context) };
  }

  function aStored(overrides: Partial<Payment>): Payment {
    const stored = aPayment(overrides);
    bed.payments.rows.set(stored.orderId, stored);
    return stored;
  }

  it('fences an order cancelled before any charge, once, and says so at once', async () => {
    const orderId = randomUUID();

    const { now: fenced } = await cancel(orderId);
    expect(fenced).toEqual({ orderId, paymentId: expect.any(String), outcome: 'fenced' });
    expect(bed.payments.rows.get(orderId)).toMatchObject({
      id: fenced?.paymentId,
      status: 'FENCED',
      amount: null,
      currency: null,
    });
    expect(bed.published).toEqual([new PaymentFencedEvent(fenced?.paymentId ?? '', orderId)]);

    expect((await cancel(orderId)).now).toEqual(fenced);
    expect(bed.published).toHaveLength(1);
    expect(bed.provider.voids).toEqual([]);
  });

  it('answers a charged order at once and voids it after the commit, once', async () => {
    const charged = aStored({ status: 'CHARGED', providerReference: 'ref-1' });
    const { orderId, id: paymentId } = charged;

    expect(await cancel(orderId)).toEqual({
      now: { orderId, paymentId, outcome: 'voiding' },
      later: [],
    });
    expect((await cancel(orderId)).now).toEqual({ orderId, paymentId, outcome: 'voided' });
    expect(bed.provider.voids).toEqual(['ref-1']);
    expect(bed.payments.rows.get(orderId)).toMatchObject({
      status: 'VOIDED',
      cancelReplies: [],
      settleAt: null,
    });
    expect(bed.published).toEqual([
      new PaymentVoidRequestedEvent(paymentId, orderId),
      new PaymentVoidedEvent(paymentId, orderId),
    ]);
  });

  it('answers at once while the provider cannot void: the void is retried, not the saga', async () => {
    const charged = aStored({ status: 'CHARGED', providerReference: 'ref-1' });
    const { orderId, id: paymentId } = charged;
    bed.provider.void = (reference) => {
      bed.provider.voids.push(reference);
      return Promise.reject(new Error('provider down'));
    };

    const voiding = { orderId, paymentId, outcome: 'voiding' };
    expect(await cancel(orderId)).toEqual({ now: voiding, later: [] });
    expect((await cancel(orderId)).now).toEqual(voiding);
    expect(bed.provider.voids).toEqual(['ref-1']);
    const row = bed.payments.rows.get(orderId);
    expect(row).toMatchObject({ status: 'VOIDING', settleAttempts: 1 });
    expect(row?.settleAt?.getTime()).toBeGreaterThan(Date.now());
  });

  it('answers fenced for a declined order: nothing was charged, nothing to void', async () => {
    const declined = aStored({
      status: 'DECLINED',
      providerReference: null,
      failureCode: 'payment.card-declined',
      failureReason: 'no',
    });

    expect((await cancel(declined.orderId)).now).toEqual({
      orderId: declined.orderId,
      paymentId: declined.id,
      outcome: 'fenced',
    });
    expect(bed.payments.rows.get(declined.orderId)?.status).toBe('DECLINED');
    expect(bed.provider.voids).toEqual([]);
    expect(bed.published).toEqual([]);
  });

  it('answers a PENDING charge at once, then voids it once it charged', async () => {
    const orderId = randomUUID();
    let charge: (result: { outcome: 'charged'; reference: string }) => void = () => undefined;
    bed.provider.charge = (request) => {
      bed.provider.charges.push(request);
      return new Promise((resolve) => (charge = resolve));
    };
    const chargeContext = bed.context();
    await bed.commandBus.execute(
      new ChargePaymentCommand(
        {
          orderId,
          customerId: randomUUID(),
          total: { amount: 1250, currency: 'EUR' },
          paymentToken: 'tok_approve',
        },
        chargeContext,
      ),
    );
    const cancelContext = bed.context('payment.cancel-payment');
    await expect(
      bed.commandBus.execute(new CancelPaymentCommand({ orderId }, cancelContext)),
    ).resolves.toEqual({ orderId, paymentId: expect.any(String), outcome: 'voiding' });
    expect(cancelContext.replyDeferred).toBe(false);
    expect(bed.payments.rows.get(orderId)?.cancelledAt).toBeInstanceOf(Date);

    while (bed.provider.charges.length === 0) await new Promise(setImmediate);
    charge({ outcome: 'charged', reference: 'ref-late' });
    await bed.settlement.idle();
    const [refused] = bed.replies.to(chargeContext);
    expect(refused).toBeInstanceOf(DomainError);
    expect(refused).toMatchObject({ code: 'payment.fenced' });
    expect(bed.replies.to(cancelContext)).toEqual([]);
    expect(bed.provider.voids).toEqual(['ref-late']);
    expect(bed.payments.rows.get(orderId)?.status).toBe('VOIDED');
  });
});

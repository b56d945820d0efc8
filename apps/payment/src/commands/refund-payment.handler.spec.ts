import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { beforeEach, describe, expect, it } from '@jest/globals';
import { DomainError } from '@app/messaging';
import {
  PaymentRefundedEvent,
  PaymentRefundRefusedEvent,
  PaymentRefundRequestedEvent,
} from '../events/payment.events.js';
import type { Payment } from '../payment.entity.js';
import { aPayment, paymentTestbed, type PaymentTestbed } from '../payment.testbed.js';
import { ProviderUnavailableError } from '../provider-unavailable.error.js';
import { RefundPaymentCommand, RefundPaymentHandler } from './refund-payment.handler.js';

describe(RefundPaymentHandler.name, () => {
  let bed: PaymentTestbed;

  beforeEach(async () => {
    bed = await paymentTestbed([RefundPaymentHandler]);
  });

  /** Delivers a refund; resolves once every settlement it started is done. */
  async function refund(orderId: string) {
    const context = bed.context('payment.refund-payment');
    const now = await bed.commandBus.execute(new RefundPaymentCommand({ orderId }, context));
    await bed.settlement.idle();
    return { now, later: bed.replies.to(context) };
  }

  function aStored(overrides: Partial<Payment>): Payment {
    const stored = aPayment(overrides);
    bed.payments.rows.set(stored.orderId, stored);
    return stored;
  }

  it('records the intent, refunds after the commit with the order’s key, and answers once', async () => {
    const charged = aStored({ status: 'CHARGED', providerReference: 'ref-9' });
    const refunded = {
      orderId: charged.orderId,
      paymentId: charged.id,
      amount: { amount: 1250, currency: 'EUR' },
    };

    expect(await refund(charged.orderId)).toEqual({ now: undefined, later: [refunded] });
    expect(bed.provider.refunds).toEqual([
      {
        reference: 'ref-9',
        amount: 1250,
        currency: 'EUR',
        idempotencyKey: `refund-${charged.orderId}`,
      },
    ]);
    expect(bed.payments.rows.get(charged.orderId)).toMatchObject({
      status: 'REFUNDED',
      settleAt: null,
      refundReplies: [],
    });
    expect(bed.published).toEqual([
      new PaymentRefundRequestedEvent(charged.id, charged.orderId),
      new PaymentRefundedEvent(charged.id, charged.orderId, refunded.amount),
    ]);

    // Asked again: answered at once, and the provider is not asked again.
    expect((await refund(charged.orderId)).now).toEqual(refunded);
    expect(bed.provider.refunds).toHaveLength(1);
  });

  it('keeps the charge when the provider refuses, and refuses every later refund alike', async () => {
    const charged = aStored({ status: 'CHARGED' });
    bed.provider.refundAnswer = { outcome: 'refused', reason: 'the provider refused the refund' };

    const { later } = await refund(charged.orderId);
    expect(later).toEqual([expect.objectContaining({ code: 'payment.refund-refused' })]);
    expect(bed.payments.rows.get(charged.orderId)).toMatchObject({
      status: 'CHARGED',
      refundFailure: 'the provider refused the refund',
      settleAt: null,
    });
    expect(bed.published.at(-1)).toEqual(
      new PaymentRefundRefusedEvent(charged.id, charged.orderId, 'the provider refused the refund'),
    );

    await expect(refund(charged.orderId)).rejects.toMatchObject({
      code: 'payment.refund-refused',
    });
    expect(bed.provider.refunds).toHaveLength(1);
  });

  it('leaves a refund the provider could not answer REFUNDING, for the timer to ask again', async () => {
    const charged = aStored({ status: 'CHARGED' });
    bed.provider.refundAnswer = new ProviderUnavailableError('the provider is down');

    expect(await refund(charged.orderId)).toEqual({ now: undefined, later: [] });
    expect(bed.payments.rows.get(charged.orderId)?.status).toBe('REFUNDING');
    expect(bed.payments.rows.get(charged.orderId)?.settleAt).not.toBeNull();
  });

  it('refuses an order with no charge to refund', async () => {
    const voided = aStored({ status: 'VOIDED' });
    const refusal = refund(voided.orderId);
    await expect(refusal).rejects.toBeInstanceOf(DomainError);
    await expect(refusal).rejects.toMatchObject({ code: 'payment.not-charged' });
    await expect(refund(randomUUID())).rejects.toMatchObject({ code: 'payment.not-charged' });
  });
});

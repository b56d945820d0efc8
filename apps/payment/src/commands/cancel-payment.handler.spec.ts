import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { beforeEach, describe, expect, it } from '@jest/globals';
import { DomainError } from '@app/messaging';
import { PaymentFencedEvent, PaymentVoidedEvent } from '../events/payment.events.js';
import type { Payment } from '../payment.entity.js';
import { aPayment, paymentTestbed, type PaymentTestbed } from '../payment.testbed.js';
import { CancelPaymentCommand, CancelPaymentHandler } from './cancel-payment.handler.js';

describe(CancelPaymentHandler.name, () => {
  let bed: PaymentTestbed;

  beforeEach(async () => {
    bed = await paymentTestbed([CancelPaymentHandler]);
  });

  const cancel = (orderId: string) =>
    bed.commandBus.execute(new CancelPaymentCommand({ orderId }, bed.manager));

  function aStored(overrides: Partial<Payment>): Payment {
    const stored = aPayment(overrides);
    bed.payments.rows.set(stored.orderId, stored);
    return stored;
  }

  it('fences an order cancelled before any charge, once, and says so', async () => {
    const orderId = randomUUID();

    const fenced = await cancel(orderId);
    expect(fenced).toEqual({ orderId, paymentId: expect.any(String), outcome: 'fenced' });
    expect(bed.payments.rows.get(orderId)).toMatchObject({
      id: fenced.paymentId,
      status: 'FENCED',
      amount: null,
      currency: null,
    });
    expect(bed.published).toEqual([new PaymentFencedEvent(fenced.paymentId ?? '', orderId)]);

    await expect(cancel(orderId)).resolves.toEqual(fenced);
    expect(bed.published).toHaveLength(1);
    expect(bed.provider.voids).toEqual([]);
  });

  it('voids a charged order once, however often it is cancelled, and says so', async () => {
    const charged = aStored({ status: 'CHARGED', providerReference: 'ref-1' });
    const voided = { orderId: charged.orderId, paymentId: charged.id, outcome: 'voided' };

    await expect(cancel(charged.orderId)).resolves.toEqual(voided);
    await expect(cancel(charged.orderId)).resolves.toEqual(voided);
    expect(bed.provider.voids).toEqual(['ref-1']);
    expect(bed.payments.rows.get(charged.orderId)?.status).toBe('VOIDED');
    expect(bed.published).toEqual([new PaymentVoidedEvent(charged.id, charged.orderId)]);
  });

  it('answers fenced for a declined order: nothing was charged, nothing to void', async () => {
    const declined = aStored({
      status: 'DECLINED',
      providerReference: null,
      failureCode: 'payment.card-declined',
      failureReason: 'no',
    });

    await expect(cancel(declined.orderId)).resolves.toEqual({
      orderId: declined.orderId,
      paymentId: declined.id,
      outcome: 'fenced',
    });
    expect(bed.payments.rows.get(declined.orderId)?.status).toBe('DECLINED');
    expect(bed.provider.voids).toEqual([]);
    expect(bed.published).toEqual([]);
  });

  it('treats a PENDING payment outside its charge as an infrastructure error', async () => {
    const pending = aStored({ status: 'PENDING', providerReference: null });

    const failure = cancel(pending.orderId);
    await expect(failure).rejects.toThrow(`Payment ${pending.id} is PENDING outside its charge`);
    await expect(failure).rejects.not.toBeInstanceOf(DomainError);
    expect(bed.published).toEqual([]);
  });
});

import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { beforeEach, describe, expect, it } from '@jest/globals';
import { aPayment, paymentTestbed, type PaymentTestbed } from '../payment.testbed.js';
import { GetPaymentHandler, GetPaymentQuery } from './get-payment.handler.js';

describe(GetPaymentHandler.name, () => {
  let bed: PaymentTestbed;

  beforeEach(async () => {
    bed = await paymentTestbed([GetPaymentHandler]);
  });

  const get = (orderId: string) => bed.queryBus.execute(new GetPaymentQuery(orderId));

  it('shows a charged payment with its amount and reference', async () => {
    const charged = aPayment();
    bed.payments.rows.set(charged.orderId, charged);

    expect(await get(charged.orderId)).toEqual({
      id: charged.id,
      orderId: charged.orderId,
      status: 'CHARGED',
      amount: { amount: 1250, currency: 'EUR' },
      providerReference: 'ref-1',
      failure: null,
      createdAt: charged.createdAt.toISOString(),
      updatedAt: charged.updatedAt.toISOString(),
    });
  });

  it('shows why a declined payment was refused, and a fence without an amount', async () => {
    const declined = aPayment({
      status: 'DECLINED',
      providerReference: null,
      failureCode: 'payment.card-declined',
      failureReason: 'the card was declined',
    });
    const fence = aPayment({
      status: 'FENCED',
      amount: null,
      currency: null,
      providerReference: null,
    });
    bed.payments.rows.set(declined.orderId, declined);
    bed.payments.rows.set(fence.orderId, fence);

    expect(await get(declined.orderId)).toMatchObject({
      failure: { code: 'payment.card-declined', reason: 'the card was declined' },
    });
    expect(await get(fence.orderId)).toMatchObject({ status: 'FENCED', amount: null });
  });

  it('answers undefined for an order without a payment', async () => {
    expect(await get(randomUUID())).toBeUndefined();
  });
});

import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { beforeEach, describe, expect, it } from '@jest/globals';
import { paymentTestbed, type PaymentTestbed } from '../payment.testbed.js';
import { ScreenPaymentCommand, ScreenPaymentHandler } from './screen-payment.handler.js';

describe(ScreenPaymentHandler.name, () => {
  let bed: PaymentTestbed;

  beforeEach(async () => {
    bed = await paymentTestbed([ScreenPaymentHandler]);
  });

  const screen = (paymentToken: string, orderId = randomUUID()) =>
    bed.commandBus.execute(
      new ScreenPaymentCommand({
        orderId,
        customerId: randomUUID(),
        total: { amount: 100, currency: 'EUR' },
        paymentToken,
      }),
    );

  it('clears a payment, recording nothing', async () => {
    const orderId = randomUUID();
    await expect(screen('tok_approve', orderId)).resolves.toEqual({ orderId });
    expect(bed.payments.rows.size).toBe(0);
  });

  it('refuses a card on the deny list', async () => {
    await expect(screen('tok_fraud')).rejects.toMatchObject({ code: 'payment.fraud-suspected' });
  });
});

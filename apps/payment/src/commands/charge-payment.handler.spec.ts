import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { beforeEach, describe, expect, it } from '@jest/globals';
import type { payment } from '@app/contracts';
import { DomainError } from '@app/messaging';
import { PaymentChargedEvent, PaymentDeclinedEvent } from '../events/payment.events.js';
import type { PaymentStatus } from '../payment.entity.js';
import { aPayment, paymentTestbed, type PaymentTestbed } from '../payment.testbed.js';
import { ProviderUnavailableError } from '../provider-unavailable.error.js';
import { CancelPaymentCommand, CancelPaymentHandler } from './cancel-payment.handler.js';
import { ChargePaymentCommand, ChargePaymentHandler } from './charge-payment.handler.js';

function aChargePayment(overrides: Partial<payment.ChargePayment> = {}): payment.ChargePayment {
  return {
    orderId: randomUUID(),
    customerId: randomUUID(),
    total: { amount: 1250, currency: 'EUR' },
    paymentToken: 'tok_approve',
    ...overrides,
  };
}

describe(ChargePaymentHandler.name, () => {
  let bed: PaymentTestbed;

  beforeEach(async () => {
    bed = await paymentTestbed([ChargePaymentHandler, CancelPaymentHandler]);
  });

  const charge = (command: payment.ChargePayment) =>
    bed.commandBus.execute(new ChargePaymentCommand(command, bed.manager));
  const cancel = (orderId: string) =>
    bed.commandBus.execute(new CancelPaymentCommand({ orderId }, bed.manager));

  it('charges through the provider with a key per order, records the reference, and says so', async () => {
    const command = aChargePayment();

    const charged = await charge(command);
    expect(charged).toEqual({
      paymentId: expect.any(String),
      orderId: command.orderId,
      amount: command.total,
    });
    expect(bed.provider.charges).toEqual([
      {
        orderId: command.orderId,
        amount: 1250,
        currency: 'EUR',
        token: 'tok_approve',
        idempotencyKey: `charge-${command.orderId}`,
      },
    ]);
    expect(bed.payments.rows.get(command.orderId)).toMatchObject({
      id: charged.paymentId,
      status: 'CHARGED',
      providerReference: 'ref-1',
    });
    expect(bed.published).toEqual([
      new PaymentChargedEvent(charged.paymentId, command.orderId, command.total),
    ]);
  });

  it('answers a second charge of a charged order with the same reply, without charging', async () => {
    const command = aChargePayment();
    const first = await charge(command);

    await expect(charge(command)).resolves.toEqual(first);
    expect(bed.provider.charges).toHaveLength(1);
    expect(bed.published).toHaveLength(1);
  });

  it.each([
    [{ outcome: 'declined', code: 'card-declined', reason: 'no' }, 'payment.card-declined', true],
    [
      { outcome: 'declined', code: 'insufficient-funds', reason: 'no' },
      'payment.insufficient-funds',
      true,
    ],
    [{ outcome: 'failed', reason: 'bad merchant' }, 'payment.provider-error', false],
  ] as const)('turns the provider answer %o into %s', async (answer, code, keepWrites) => {
    bed.provider.answer = answer;
    const failure = charge(aChargePayment());
    await expect(failure).rejects.toBeInstanceOf(DomainError);
    await expect(failure).rejects.toMatchObject({ code, keepWrites });
  });

  it('records a decline with its reason and declines a repeat alike, without the provider', async () => {
    bed.provider.answer = { outcome: 'declined', code: 'insufficient-funds', reason: 'empty' };
    const command = aChargePayment();
    const failure = { code: 'payment.insufficient-funds', message: 'empty', keepWrites: true };

    await expect(charge(command)).rejects.toMatchObject(failure);
    const declined = bed.payments.rows.get(command.orderId);
    expect(declined).toMatchObject({
      status: 'DECLINED',
      failureCode: 'payment.insufficient-funds',
      failureReason: 'empty',
    });
    expect(bed.published).toEqual([
      new PaymentDeclinedEvent(
        declined?.id ?? '',
        command.orderId,
        'payment.insufficient-funds',
        'empty',
      ),
    ]);

    bed.provider.answer = { outcome: 'charged', reference: 'ref-2' };
    await expect(charge(command)).rejects.toMatchObject(failure);
    expect(bed.provider.charges).toHaveLength(1);
    expect(await cancel(command.orderId)).toMatchObject({ outcome: 'fenced' });
    expect(bed.provider.voids).toHaveLength(0);
    expect(bed.published).toHaveLength(1);
  });

  it('lets a transient provider error through as an infrastructure error', async () => {
    bed.provider.answer = new ProviderUnavailableError('try later');
    const failure = charge(aChargePayment());
    await expect(failure).rejects.toBeInstanceOf(ProviderUnavailableError);
    await expect(failure).rejects.not.toBeInstanceOf(DomainError);
    expect(bed.published).toEqual([]);
  });

  it.each(['FENCED', 'VOIDED'] as const)(
    'refuses to charge an order whose payment is %s, without the provider',
    async (status: PaymentStatus) => {
      const cancelled = aPayment({ status });
      bed.payments.rows.set(cancelled.orderId, cancelled);

      await expect(charge(aChargePayment({ orderId: cancelled.orderId }))).rejects.toMatchObject({
        code: 'payment.fenced',
      });
      expect(bed.provider.charges).toHaveLength(0);
      expect(bed.payments.rows.get(cancelled.orderId)?.status).toBe(status);
      expect(bed.published).toEqual([]);
    },
  );
});

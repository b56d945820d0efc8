import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { beforeEach, describe, expect, it } from '@jest/globals';
import type { payment } from '@app/contracts';
import { DomainError, type MessageContext } from '@app/messaging';
import {
  PaymentChargedEvent,
  PaymentChargeRequestedEvent,
  PaymentDeclinedEvent,
} from '../events/payment.events.js';
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

  /** Delivers a charge; resolves with its context once every settlement it started is done. */
  async function charge(command: payment.ChargePayment) {
    const context = bed.context();
    const now = await bed.commandBus.execute(new ChargePaymentCommand(command, context));
    await bed.settlement.idle();
    return { context, now, later: bed.replies.to(context) };
  }

  const cancel = (orderId: string, context: MessageContext = bed.context()) =>
    bed.commandBus.execute(new CancelPaymentCommand({ orderId }, context));

  it('records the charge PENDING and answers it once the provider charged, with a key per order', async () => {
    const command = aChargePayment();

    const { context, now, later } = await charge(command);
    expect(now).toBeUndefined();
    expect(context.replyDeferred).toBe(true);
    const row = bed.payments.rows.get(command.orderId);
    expect(later).toEqual([
      { paymentId: row?.id, orderId: command.orderId, amount: command.total },
    ]);
    expect(bed.provider.charges).toEqual([
      {
        orderId: command.orderId,
        amount: 1250,
        currency: 'EUR',
        token: 'tok_approve',
        idempotencyKey: `charge-${command.orderId}`,
      },
    ]);
    // Settled: the token and the reply address are gone, nothing is left to settle.
    expect(row).toMatchObject({
      status: 'CHARGED',
      providerReference: 'ref-1',
      paymentToken: null,
      chargeReplies: [],
      settleAt: null,
    });
    expect(bed.published).toEqual([
      new PaymentChargeRequestedEvent(
        row?.id ?? '',
        command.orderId,
        command.total,
        command.paymentToken,
      ),
      new PaymentChargedEvent(row?.id ?? '', command.orderId, command.total),
    ]);
  });

  it('answers a second charge of a charged order at once with the same reply, without charging', async () => {
    const command = aChargePayment();
    const first = await charge(command);

    const second = await charge(command);
    expect(second.now).toEqual(first.later[0]);
    expect(second.context.replyDeferred).toBe(false);
    expect(bed.provider.charges).toHaveLength(1);
    expect(bed.published).toHaveLength(2);
  });

  it.each([
    [{ outcome: 'declined', code: 'card-declined', reason: 'no' }, 'payment.card-declined'],
    [
      { outcome: 'declined', code: 'insufficient-funds', reason: 'no' },
      'payment.insufficient-funds',
    ],
    [{ outcome: 'failed', reason: 'bad merchant' }, 'payment.provider-error'],
  ] as const)('answers the provider answer %o with %s, and records it', async (answer, code) => {
    bed.provider.answer = answer;
    const command = aChargePayment();
    const { later } = await charge(command);
    expect(later).toEqual([expect.any(DomainError)]);
    expect(later[0]).toMatchObject({ code });
    expect(bed.payments.rows.get(command.orderId)).toMatchObject({
      status: 'DECLINED',
      failureCode: code,
      paymentToken: null,
    });
  });

  it('declines a repeat of a declined charge alike, at once and without the provider', async () => {
    bed.provider.answer = { outcome: 'declined', code: 'insufficient-funds', reason: 'empty' };
    const command = aChargePayment();
    const failure = { code: 'payment.insufficient-funds', message: 'empty' };

    await charge(command);
    const declined = bed.payments.rows.get(command.orderId);
    expect(bed.published).toContainEqual(
      new PaymentDeclinedEvent(
        declined?.id ?? '',
        command.orderId,
        'payment.insufficient-funds',
        'empty',
      ),
    );

    bed.provider.answer = { outcome: 'charged', reference: 'ref-2' };
    await expect(charge(command)).rejects.toMatchObject(failure);
    expect(bed.provider.charges).toHaveLength(1);
    expect(await cancel(command.orderId)).toMatchObject({ outcome: 'fenced' });
    expect(bed.provider.voids).toHaveLength(0);
  });

  it('keeps a charge PENDING while the provider is unavailable, and answers once it charged', async () => {
    bed.provider.answer = new ProviderUnavailableError('try later');
    const command = aChargePayment();
    const { context, later } = await charge(command);
    expect(later).toEqual([]);
    const pending = bed.payments.rows.get(command.orderId);
    expect(pending).toMatchObject({
      status: 'PENDING',
      paymentToken: 'tok_approve',
      settleAttempts: 1,
    });

    // The retry is due after the first back-off: the timer's sweep takes it then.
    bed.provider.answer = { outcome: 'charged', reference: 'ref-3' };
    if (pending?.settleAt) pending.settleAt = new Date(0);
    await bed.settlement.settleDue();
    await bed.settlement.idle();
    expect(bed.replies.to(context)).toEqual([
      expect.objectContaining({ orderId: command.orderId }),
    ]);
    expect(bed.provider.charges.map((request) => request.idempotencyKey)).toEqual([
      `charge-${command.orderId}`,
      `charge-${command.orderId}`,
    ]);
    expect(bed.payments.rows.get(command.orderId)?.status).toBe('CHARGED');
  });

  it.each(['FENCED', 'VOIDING', 'VOIDED'] as const)(
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

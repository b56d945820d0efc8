import { randomUUID } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import type { ChargeRequest } from './payment-provider.js';
import { PaymentSimulatorProvider } from './payment-simulator.provider.js';
import { ProviderUnavailableError } from './provider-unavailable.error.js';

const SLOW_MS = 50;

function aChargeRequest(token: string): ChargeRequest {
  const orderId = randomUUID();
  return { orderId, amount: 1250, currency: 'EUR', token, idempotencyKey: `charge-${orderId}` };
}

describe(PaymentSimulatorProvider.name, () => {
  const simulator = () => new PaymentSimulatorProvider({ slowMs: SLOW_MS });

  it('charges tok_approve with a reference', async () => {
    expect(await simulator().charge(aChargeRequest('tok_approve'))).toEqual({
      outcome: 'charged',
      reference: expect.stringMatching(/^sim_ch_/),
    });
  });

  it('refunds a charge, and refuses for good the refund of a tok_refund_fails charge', async () => {
    const provider = simulator();
    const refundOf = async (token: string) => {
      const charged = await provider.charge(aChargeRequest(token));
      if (charged.outcome !== 'charged') throw new Error(`${token} was not charged`);
      const request = {
        reference: charged.reference,
        amount: 1250,
        currency: 'EUR',
        idempotencyKey: `refund-${randomUUID()}`,
      };
      return [await provider.refund(request), await provider.refund(request)];
    };

    const [refunded, again] = await refundOf('tok_approve');
    expect(refunded).toEqual({ outcome: 'refunded', reference: expect.stringMatching(/^sim_rf_/) });
    expect(again).toEqual(refunded);
    expect(await refundOf('tok_refund_fails')).toEqual([
      { outcome: 'refused', reason: 'the provider refused the refund' },
      { outcome: 'refused', reason: 'the provider refused the refund' },
    ]);
  });

  it.each([
    ['tok_decline', 'card-declined', 'the card was declined'],
    ['tok_insufficient_funds', 'insufficient-funds', 'the card has insufficient funds'],
  ])('declines %s as %s', async (token, code, reason) => {
    expect(await simulator().charge(aChargeRequest(token))).toEqual({
      outcome: 'declined',
      code,
      reason,
    });
  });

  it('declines a token it does not know, naming the tokens it knows', async () => {
    const result = await simulator().charge(aChargeRequest('tok_4242'));
    expect(result).toMatchObject({ outcome: 'declined', code: 'card-declined' });
    expect(result).toHaveProperty('reason', expect.stringContaining('unknown test token'));
    expect(result).toHaveProperty('reason', expect.stringContaining('tok_flaky'));
  });

  it('answers tok_slow only after the configured delay', async () => {
    const started = Date.now();
    const result = await simulator().charge(aChargeRequest('tok_slow'));
    expect(result.outcome).toBe('charged');
    expect(Date.now() - started).toBeGreaterThanOrEqual(SLOW_MS - 5);
  });

  it('fails tok_flaky once per order with a transient error, then charges', async () => {
    const provider = simulator();
    const request = aChargeRequest('tok_flaky');
    await expect(provider.charge(request)).rejects.toBeInstanceOf(ProviderUnavailableError);
    expect((await provider.charge(request)).outcome).toBe('charged');
    await expect(provider.charge(aChargeRequest('tok_flaky'))).rejects.toBeInstanceOf(
      ProviderUnavailableError,
    );
  });

  it('answers a repeated idempotency key with its first answer', async () => {
    const provider = simulator();
    const request = aChargeRequest('tok_approve');
    const first = await provider.charge(request);
    expect(await provider.charge(request)).toEqual(first);
    expect(await provider.charge({ ...request, token: 'tok_decline' })).toEqual(first);
  });

  it('voids a charge', async () => {
    await expect(simulator().void('sim_ch_1')).resolves.toBeUndefined();
  });
});

describe('the simulator’s memory', () => {
  it('forgets the oldest answers beyond its bound, so a flood of keys cannot exhaust memory', async () => {
    const simulator = new PaymentSimulatorProvider({ slowMs: SLOW_MS, maxRemembered: 3 });
    for (let i = 0; i < 10; i += 1) await simulator.charge(aChargeRequest('tok_approve'));
    for (let i = 0; i < 10; i += 1) {
      await simulator.charge(aChargeRequest('tok_flaky')).catch(() => undefined);
    }
    expect(simulator.remembered).toBeLessThanOrEqual(6);
  });
});

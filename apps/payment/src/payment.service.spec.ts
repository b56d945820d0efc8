import { randomUUID } from 'node:crypto';
import { beforeEach, describe, expect, it } from '@jest/globals';
import type { payment } from '@app/contracts';
import { DomainError } from '@app/messaging';
import type { DataSource, EntityManager } from 'typeorm';
import type { ChargeRequest, ChargeResult, PaymentProvider } from './payment-provider.js';
import type { Payment } from './payment.entity.js';
import { PaymentService } from './payment.service.js';
import { ProviderUnavailableError } from './provider-unavailable.error.js';

/** The provider's answers, chosen per test, and the calls it got. */
class FakeProvider implements PaymentProvider {
  answer: ChargeResult | Error = { outcome: 'charged', reference: 'ref-1' };
  readonly charges: ChargeRequest[] = [];
  readonly voids: string[] = [];

  charge(request: ChargeRequest): Promise<ChargeResult> {
    this.charges.push(request);
    return this.answer instanceof Error
      ? Promise.reject(this.answer)
      : Promise.resolve(this.answer);
  }

  void(reference: string): Promise<void> {
    this.voids.push(reference);
    return Promise.resolve();
  }
}

/**
 * The `payments` table of one transaction, enough for the service's three statements: the
 * insert-first claim, the locked read, the update. (The integration suite runs the real SQL.)
 */
class FakeManager {
  readonly rows = new Map<string, Payment>();

  query(sql: string, [id, orderId, amount, currency]: string[]): Promise<unknown[]> {
    if (this.rows.has(orderId)) return Promise.resolve([]);
    const fenced = sql.includes(`'FENCED'`);
    this.rows.set(orderId, {
      id,
      orderId,
      amount: fenced ? null : Number(amount),
      currency: fenced ? null : currency,
      status: fenced ? 'FENCED' : 'PENDING',
      providerReference: null,
      failureCode: null,
      failureReason: null,
      createdAt: new Date(),
      updatedAt: new Date(),
    });
    return Promise.resolve([{ id }]);
  }

  findOneOrFail(_entity: unknown, { where }: { where: { orderId: string } }): Promise<Payment> {
    const row = this.rows.get(where.orderId);
    return row ? Promise.resolve({ ...row }) : Promise.reject(new Error('no row'));
  }

  update(_entity: unknown, { id }: { id: string }, changes: Partial<Payment>): Promise<void> {
    const row = [...this.rows.values()].find((candidate) => candidate.id === id);
    if (row) Object.assign(row, changes);
    return Promise.resolve();
  }

  statusOf(orderId: string): string | undefined {
    return this.rows.get(orderId)?.status;
  }
}

function aChargePayment(overrides: Partial<payment.ChargePayment> = {}): payment.ChargePayment {
  return {
    orderId: randomUUID(),
    customerId: randomUUID(),
    total: { amount: 1250, currency: 'EUR' },
    paymentToken: 'tok_approve',
    ...overrides,
  };
}

describe(PaymentService.name, () => {
  let provider: FakeProvider;
  let fake: FakeManager;
  let manager: EntityManager;
  let service: PaymentService;

  beforeEach(() => {
    provider = new FakeProvider();
    fake = new FakeManager();
    manager = fake as unknown as EntityManager;
    service = new PaymentService({} as DataSource, provider);
  });

  it('charges through the provider with a key per order and records the reference', async () => {
    const command = aChargePayment();
    const charged = await service.charge(command, manager);

    expect(charged).toEqual({
      paymentId: expect.any(String),
      orderId: command.orderId,
      amount: command.total,
    });
    expect(provider.charges).toEqual([
      {
        orderId: command.orderId,
        amount: 1250,
        currency: 'EUR',
        token: 'tok_approve',
        idempotencyKey: `charge-${command.orderId}`,
      },
    ]);
    expect(fake.rows.get(command.orderId)).toMatchObject({
      status: 'CHARGED',
      providerReference: 'ref-1',
    });
  });

  it('answers a second charge of a charged order with the same reply, without charging', async () => {
    const command = aChargePayment();
    const first = await service.charge(command, manager);
    expect(await service.charge(command, manager)).toEqual(first);
    expect(provider.charges).toHaveLength(1);
  });

  it.each([
    [{ outcome: 'declined', code: 'card-declined', reason: 'no' }, 'payment.card-declined'],
    [
      { outcome: 'declined', code: 'insufficient-funds', reason: 'no' },
      'payment.insufficient-funds',
    ],
    [{ outcome: 'failed', reason: 'bad merchant' }, 'payment.provider-error'],
  ] as const)('turns the provider answer %o into %s', async (answer, code) => {
    provider.answer = answer;
    const failure = service.charge(aChargePayment(), manager);
    await expect(failure).rejects.toBeInstanceOf(DomainError);
    await expect(failure).rejects.toMatchObject({ code });
  });

  it('records a decline with its reason and declines a repeat alike, without the provider', async () => {
    provider.answer = { outcome: 'declined', code: 'insufficient-funds', reason: 'empty' };
    const command = aChargePayment();
    const failure = { code: 'payment.insufficient-funds', message: 'empty', keepWrites: true };

    await expect(service.charge(command, manager)).rejects.toMatchObject(failure);
    expect(fake.rows.get(command.orderId)).toMatchObject({
      status: 'DECLINED',
      failureCode: 'payment.insufficient-funds',
      failureReason: 'empty',
    });
    provider.answer = { outcome: 'charged', reference: 'ref-2' };
    await expect(service.charge(command, manager)).rejects.toMatchObject(failure);
    expect(provider.charges).toHaveLength(1);
    expect(await service.cancel({ orderId: command.orderId }, manager)).toMatchObject({
      outcome: 'fenced',
    });
    expect(provider.voids).toHaveLength(0);
  });

  it('lets a transient provider error through as an infrastructure error', async () => {
    provider.answer = new ProviderUnavailableError('try later');
    const failure = service.charge(aChargePayment(), manager);
    await expect(failure).rejects.toBeInstanceOf(ProviderUnavailableError);
    await expect(failure).rejects.not.toBeInstanceOf(DomainError);
  });

  it('fences an order cancelled before any charge, and refuses the late charge', async () => {
    const command = aChargePayment();
    expect(await service.cancel({ orderId: command.orderId }, manager)).toEqual({
      orderId: command.orderId,
      paymentId: expect.any(String),
      outcome: 'fenced',
    });
    await expect(service.charge(command, manager)).rejects.toMatchObject({
      code: 'payment.fenced',
    });
    expect(provider.charges).toHaveLength(0);
    expect(fake.statusOf(command.orderId)).toBe('FENCED');
  });

  it('voids a charged order once, however often it is cancelled', async () => {
    const command = aChargePayment();
    const { paymentId } = await service.charge(command, manager);
    const cancel = { orderId: command.orderId };

    expect(await service.cancel(cancel, manager)).toEqual({
      orderId: command.orderId,
      paymentId,
      outcome: 'voided',
    });
    expect(await service.cancel(cancel, manager)).toMatchObject({ outcome: 'voided' });
    expect(provider.voids).toEqual(['ref-1']);
    expect(fake.statusOf(command.orderId)).toBe('VOIDED');
  });

  it('refuses to charge a voided order again', async () => {
    const command = aChargePayment();
    await service.charge(command, manager);
    await service.cancel({ orderId: command.orderId }, manager);
    await expect(service.charge(command, manager)).rejects.toMatchObject({
      code: 'payment.fenced',
    });
    expect(provider.charges).toHaveLength(1);
  });
});

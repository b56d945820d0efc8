import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ApiClient, type Money } from './support/api-client.js';
import { waitForStatus, type RunningApp } from './support/app-process.js';
import { eventuallyValue } from './support/eventually.js';
import { GATEWAY_URL, SYSTEM, paymentStatusOf, startSystem, stopSystem } from './support/system.js';

const api = new ApiClient(GATEWAY_URL);
const eur = (amount: number): Money => ({ amount, currency: 'EUR' });

interface Credit {
  availableCredit: Money;
  reserved: Money;
}

describe('placing an order through the gateway', () => {
  let apps: RunningApp[];
  let admin: string;

  beforeAll(async () => {
    apps = await startSystem();
    admin = await api.token('admin');
  }, 90_000);

  afterAll(async () => {
    await stopSystem(apps);
  });

  async function aCustomer(limit: number) {
    const customerId = await api.createCustomer(admin, eur(limit));
    return { customerId, token: await api.token('customer', customerId) };
  }

  async function creditOf(customerId: string): Promise<Credit> {
    const { body } = await api.request<Credit>('GET', `/api/customers/${customerId}/credit`, {
      token: admin,
    });
    return body;
  }

  async function orderOf(token: string, orderId: string) {
    const { body } = await api.request<{ status: string; rejectionReason?: string }>(
      'GET',
      `/api/orders/${orderId}`,
      { token },
    );
    return body;
  }

  it('approves an order: credit reserved, payment charged, saga completed in four steps', async () => {
    const { customerId, token } = await aCustomer(10_000);
    const placed = await api.placeOrder(token, eur(2_500), 'tok_approve');
    expect(placed.status).toBe(202);
    expect(placed.body.status).toBe('PENDING');

    const saga = await api.settledSaga(token, placed.body.sagaId);
    expect(saga.status).toBe('COMPLETED');
    const stepNames = new Set(saga.steps.map((step) => step.step ?? step.name));
    expect(stepNames.size).toBe(4);
    expect((await orderOf(token, placed.body.orderId)).status).toBe('APPROVED');
    expect(await creditOf(customerId)).toMatchObject({
      availableCredit: eur(7_500),
      reserved: eur(2_500),
    });
    expect(await paymentStatusOf(placed.body.orderId, admin)).toBe('CHARGED');
  }, 60_000);

  it.each([
    ['insufficient credit', 20_000, 'tok_approve', 'credit.insufficient-credit', undefined],
    ['a declined card', 2_000, 'tok_decline', 'payment.card-declined', 'DECLINED'],
  ])(
    'rejects the order on %s, restores the credit and charges nothing',
    async (_case, amount, paymentToken, reason, paymentStatus) => {
      const { customerId, token } = await aCustomer(10_000);
      const placed = await api.placeOrder(token, eur(amount), paymentToken);
      const saga = await api.settledSaga(token, placed.body.sagaId);

      expect(saga.status).toBe('COMPENSATED');
      const rejected = await orderOf(token, placed.body.orderId);
      expect(rejected.status).toBe('REJECTED');
      expect(rejected.rejectionReason).toContain(reason);
      expect(await creditOf(customerId)).toMatchObject({
        availableCredit: eur(10_000),
        reserved: eur(0),
      });
      expect(await paymentStatusOf(placed.body.orderId, admin)).toBe(paymentStatus);
    },
    60_000,
  );

  it('rejects an order of an unknown customer', async () => {
    const token = await api.token('customer', randomUUID());
    const placed = await api.placeOrder(token, eur(100), 'tok_approve');
    const saga = await api.settledSaga(token, placed.body.sagaId);
    expect(saga.status).toBe('COMPENSATED');
    const rejected = await orderOf(token, placed.body.orderId);
    expect(rejected.status).toBe('REJECTED');
    expect(rejected.rejectionReason).toContain('credit.unknown-customer');
    expect(await paymentStatusOf(placed.body.orderId, admin)).toBeUndefined();
  }, 60_000);

  it('compensates a payment past its deadline and never leaves the customer charged', async () => {
    const { customerId, token } = await aCustomer(10_000);
    const placed = await api.placeOrder(token, eur(1_000), 'tok_slow');
    const saga = await api.settledSaga(token, placed.body.sagaId, 60_000);

    expect(saga.status).toBe('COMPENSATED');
    expect((await orderOf(token, placed.body.orderId)).status).toBe('REJECTED');
    expect(await creditOf(customerId)).toMatchObject({ availableCredit: eur(10_000) });
    // The slow charge finishes after the saga gave up on it: it ends fenced (refused) or voided,
    // both final, never left charged.
    await eventuallyValue(
      () => paymentStatusOf(placed.body.orderId, admin),
      (status) => status === 'FENCED' || status === 'VOIDED',
      { timeoutMs: 20_000, intervalMs: 200, what: 'the late charge is fenced or voided' },
    );
  }, 90_000);

  it('approves exactly as many of 100 concurrent orders as the credit covers', async () => {
    const { customerId, token } = await aCustomer(40 * 250);
    const placed = await Promise.all(
      Array.from({ length: 100 }, () => api.placeOrder(token, eur(250), 'tok_approve')),
    );
    expect(placed.every((response) => response.status === 202)).toBe(true);
    const sagas = await Promise.all(
      placed.map((response) => api.settledSaga(token, response.body.sagaId, 120_000)),
    );
    expect(sagas.filter((saga) => saga.status === 'COMPLETED')).toHaveLength(40);
    expect(sagas.filter((saga) => saga.status === 'COMPENSATED')).toHaveLength(60);
    expect(await creditOf(customerId)).toMatchObject({ availableCredit: eur(0) });
  }, 180_000);

  it('creates one order and one saga for one Idempotency-Key, also under concurrent retries', async () => {
    const { token } = await aCustomer(10_000);
    const key = randomUUID();
    const responses = await Promise.all(
      Array.from({ length: 5 }, () => api.placeOrder(token, eur(100), 'tok_approve', key)),
    );
    expect(responses.every((response) => response.status === 202)).toBe(true);
    expect(new Set(responses.map((response) => response.body.sagaId)).size).toBe(1);
    expect(new Set(responses.map((response) => response.body.orderId)).size).toBe(1);

    const different = await api.placeOrder(token, eur(101), 'tok_approve', key);
    expect(different.status).toBe(422);
  }, 60_000);

  it('leaves every app ready once the load is over', async () => {
    for (const app of SYSTEM) {
      await waitForStatus(`http://127.0.0.1:${app.port}/health/ready`, 200, 15_000);
    }
  }, 90_000);
});

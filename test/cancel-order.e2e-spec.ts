import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ApiClient, type Money } from './support/api-client.js';
import type { RunningApp } from './support/app-process.js';
import { eventually } from './support/eventually.js';
import { GATEWAY_URL, paymentStatusOf, startSystem, stopSystem } from './support/system.js';

const api = new ApiClient(GATEWAY_URL);
const eur = (amount: number): Money => ({ amount, currency: 'EUR' });

interface Order {
  status: string;
  cancellableUntil?: string;
  cancellationFailure?: string;
}

describe('cancelling an order through the gateway', () => {
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

  async function creditOf(customerId: string) {
    const { body } = await api.request('GET', `/api/customers/${customerId}/credit`, {
      token: admin,
    });
    return body;
  }

  async function orderOf(token: string, orderId: string): Promise<Order> {
    return (await api.request<Order>('GET', `/api/orders/${orderId}`, { token })).body;
  }

  /** An order placed and approved (its saga COMPLETED) for 2,500 of a 10,000 limit. */
  async function anApprovedOrder(paymentToken = 'tok_approve') {
    const customer = await aCustomer(10_000);
    const placed = await api.placeOrder(customer.token, eur(2_500), paymentToken);
    expect((await api.settledSaga(customer.token, placed.body.sagaId)).status).toBe('COMPLETED');
    return { ...customer, orderId: placed.body.orderId };
  }

  it('refunds the payment, releases the credit and ends the order CANCELLED', async () => {
    const { customerId, token, orderId } = await anApprovedOrder();
    expect((await orderOf(token, orderId)).cancellableUntil).toEqual(expect.any(String));

    const cancelled = await api.cancelOrder(token, orderId);
    expect(cancelled.status).toBe(202);
    expect(cancelled.body).toEqual({ orderId, sagaId: expect.any(String) });

    const saga = await api.settledSaga(token, cancelled.body.sagaId);
    expect(saga).toMatchObject({
      type: 'cancel-order',
      status: 'COMPLETED',
      definitionVersion: 1,
      orderId,
    });
    expect((await orderOf(token, orderId)).status).toBe('CANCELLED');
    expect(await paymentStatusOf(orderId, admin)).toBe('REFUNDED');
    expect(await creditOf(customerId)).toMatchObject({
      availableCredit: eur(10_000),
      reserved: eur(0),
    });
  }, 90_000);

  it('returns the order to APPROVED with the reason when the refund fails for good', async () => {
    const { customerId, token, orderId } = await anApprovedOrder('tok_refund_fails');

    const cancelled = await api.cancelOrder(token, orderId);
    expect(cancelled.status).toBe(202);
    const saga = await api.settledSaga(token, cancelled.body.sagaId);

    expect(saga.status).toBe('COMPENSATED');
    const order = await orderOf(token, orderId);
    expect(order.status).toBe('APPROVED');
    expect(order.cancellationFailure).toContain('payment.refund-refused');
    expect(await paymentStatusOf(orderId, admin)).toBe('CHARGED');
    expect(await creditOf(customerId)).toMatchObject({ reserved: eur(2_500) });
  }, 90_000);

  it('starts one saga for two concurrent cancels, and one for a repeated key', async () => {
    const { token, orderId } = await anApprovedOrder();

    const [first, second] = await Promise.all([
      api.cancelOrder(token, orderId),
      api.cancelOrder(token, orderId),
    ]);
    const statuses = [first.status, second.status].sort();
    expect(statuses).toEqual([202, 409]);
    const accepted = first.status === 202 ? first : second;
    const refused = first.status === 202 ? second : first;
    expect(refused.body.message).toMatch(/already (being cancelled|under way)/);

    const key = randomUUID();
    const { token: otherToken, orderId: otherOrder } = await anApprovedOrder();
    const replays = await Promise.all(
      Array.from({ length: 3 }, () => api.cancelOrder(otherToken, otherOrder, key)),
    );
    expect(replays.map((replay) => replay.status)).toEqual([202, 202, 202]);
    expect(new Set(replays.map((replay) => replay.body.sagaId)).size).toBe(1);

    expect((await api.settledSaga(token, accepted.body.sagaId)).status).toBe('COMPLETED');
    expect((await api.settledSaga(otherToken, replays[0].body.sagaId)).status).toBe('COMPLETED');
    // A retry after the order moved on (it is CANCELLED now) still gets its first answer.
    const late = await api.cancelOrder(otherToken, otherOrder, key);
    expect(late.status).toBe(202);
    expect(late.body.sagaId).toBe(replays[0].body.sagaId);
    const again = await api.cancelOrder(token, orderId);
    expect(again.status).toBe(409);
    expect(again.body.message).toContain('CANCELLED');
  }, 120_000);

  it('refuses (409) to cancel a pending or a rejected order, and hides another’s order', async () => {
    const { token } = await aCustomer(10_000);
    // The slow charge keeps the order PENDING for seconds.
    const pending = await api.placeOrder(token, eur(100), 'tok_slow');
    await eventually(
      async () => (await orderOf(token, pending.body.orderId)).status === 'PENDING',
      { timeoutMs: 10_000, what: 'the order exists, PENDING' },
    );
    const refusedPending = await api.cancelOrder(token, pending.body.orderId);
    expect(refusedPending.status).toBe(409);
    expect(refusedPending.body.message).toMatch(/only an APPROVED order can be cancelled/);

    const declined = await api.placeOrder(token, eur(100), 'tok_decline');
    expect((await api.settledSaga(token, declined.body.sagaId)).status).toBe('COMPENSATED');
    const refusedRejected = await api.cancelOrder(token, declined.body.orderId);
    expect(refusedRejected.status).toBe(409);
    expect(refusedRejected.body.message).toContain('is REJECTED');

    const stranger = await aCustomer(10_000);
    expect((await api.cancelOrder(stranger.token, declined.body.orderId)).status).toBe(404);
    await api.settledSaga(token, pending.body.sagaId, 60_000);
  }, 120_000);

  it('lets only an admin restart a saga from a step, and never a finished one', async () => {
    const { token, orderId } = await anApprovedOrder();
    const cancelled = await api.cancelOrder(token, orderId);
    const saga = await api.settledSaga(token, cancelled.body.sagaId);

    const restart = (step: string, as = admin) =>
      api.request('POST', `/api/sagas/${saga.id}/restart-from/${encodeURIComponent(step)}`, {
        token: as,
      });
    expect((await restart('release credit', token)).status).toBe(403);
    const refused = await restart('mark order cancelling');
    expect(refused.status).toBe(409);
    expect(refused.body.message).toContain('is finished');
    expect((await restart('no such step')).status).toBe(409);
  }, 90_000);
});

import { describe, expect, it } from '@jest/globals';
import { planLoad } from './load.mjs';
import { Random } from './random.mjs';

const plan = (seed, overrides = {}) =>
  planLoad(new Random(seed), {
    orders: 2000,
    slowShare: 0.05,
    doubleSubmitShare: 0.05,
    seed,
    ...overrides,
  });

describe('the load plan', () => {
  it('is the same for the same seed', () => {
    expect(plan(3)).toEqual(plan(3));
    expect(plan(4).orders).not.toEqual(plan(3).orders);
  });

  it('mixes every kind of order, tok_slow at its share', () => {
    const { orders } = plan(5);
    const share = (kind) => orders.filter((o) => o.kind === kind).length / orders.length;
    expect(share('slow')).toBeCloseTo(0.05, 1);
    expect(share('approve')).toBeGreaterThan(0.45);
    for (const kind of ['flaky', 'decline', 'insufficient-funds', 'insufficient-credit']) {
      expect(share(kind)).toBeGreaterThan(0.02);
    }
    expect(new Set(orders.map((o) => o.idempotencyKey)).size).toBe(orders.length);
  });

  it('gives roomy customers a limit above all their orders, and tight ones less than theirs', () => {
    const { customers } = plan(6);
    for (const customer of customers.filter((c) => !c.tight)) {
      expect(customer.limit).toBeGreaterThanOrEqual(customer.planned);
    }
    const tight = customers.filter((c) => c.tight);
    expect(tight.length).toBeGreaterThan(0);
    expect(tight.filter((c) => c.planned > c.limit).length).toBeGreaterThan(tight.length / 2);
  });

  it('counts as valid only approve-path orders whose customer can pay for everything it orders', () => {
    const { customers, orders } = plan(7);
    for (const order of orders) {
      const customer = customers[order.customer];
      const approvePath = ['tok_approve', 'tok_flaky'].includes(order.paymentToken);
      expect(order.valid).toBe(approvePath && customer.planned <= customer.limit);
    }
    expect(orders.filter((o) => o.kind === 'slow' && o.valid)).toEqual([]);
    expect(orders.filter((o) => o.valid).length).toBeGreaterThan(1200);
  });
});

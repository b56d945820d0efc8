import { describe, expect, it } from '@jest/globals';
import { availabilityOf, checkInvariants, reasonCode } from './invariants.mjs';
import { DEAD_LETTER_QUEUES, WORK_QUEUES } from './layout.mjs';

const CUSTOMER = '00000000-0000-4000-8000-000000000001';
const id = (prefix, n) => `${prefix}000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

/** A settled run of three orders: one approved, one declined, one out of credit. */
function settledRun() {
  const orders = [
    { n: 1, token: 'tok_approve', status: 'APPROVED', amount: 1000, saga: 'COMPLETED' },
    {
      n: 2,
      token: 'tok_decline',
      status: 'REJECTED',
      amount: 500,
      saga: 'COMPENSATED',
      reason: 'payment.card-declined: the card was declined',
    },
    {
      n: 3,
      token: 'tok_approve',
      status: 'REJECTED',
      amount: 9000,
      saga: 'COMPENSATED',
      reason: 'credit.insufficient-credit: not enough',
    },
  ];
  const records = orders.map((o) => ({
    seq: o.n,
    kind: o.n === 3 ? 'insufficient-credit' : o.token === 'tok_decline' ? 'decline' : 'approve',
    paymentToken: o.token,
    idempotencyKey: `chaos-1-${o.n}`,
    valid: o.n === 1,
    doubleSubmit: false,
    submissions: [
      { outcome: 'accepted', orderId: id('0', o.n), sagaId: id('5', o.n), attempts: 1, errors: {} },
    ],
  }));
  const db = {
    sagas: orders.map((o) => ({
      id: id('5', o.n),
      status: o.saga,
      lastError: null,
      idempotencyKey: `chaos-1-${o.n}`,
      orderId: id('0', o.n),
      durationS: 0.2,
    })),
    orders: orders.map((o) => ({
      id: id('0', o.n),
      customerId: CUSTOMER,
      amount: o.amount,
      status: o.status,
      rejectionReason: o.reason ?? null,
    })),
    payments: [
      { orderId: id('0', 1), status: 'CHARGED', amount: 1000 },
      { orderId: id('0', 2), status: 'DECLINED', amount: 500 },
    ],
    customers: [{ id: CUSTOMER, limit: 5000, available: 4000 }],
    reservations: [
      { orderId: id('0', 1), customerId: CUSTOMER, amount: 1000, status: 'RESERVED' },
      { orderId: id('0', 2), customerId: CUSTOMER, amount: 500, status: 'RELEASED' },
    ],
    unsentOutbox: { orders: 0, credit: 0, payments: 0, orchestrator: 0 },
  };
  return {
    records,
    customers: [{}],
    db,
    queues: [...WORK_QUEUES, ...DEAD_LETTER_QUEUES].map((name) => ({
      name,
      messages: 0,
      unacked: 0,
    })),
    deadLetters: [],
    api: {
      credit: [{ id: CUSTOMER, status: 200, availableCredit: { amount: 4000, currency: 'EUR' } }],
      orders: orders.map((o) => ({ id: id('0', o.n), httpStatus: 200, status: o.status })),
    },
    availabilityThreshold: 0.99,
  };
}

const failed = (input) =>
  checkInvariants(input)
    .checks.filter((check) => !check.ok)
    .map((check) => check.name);

describe('the invariants', () => {
  it('all hold for a consistent settled run', () => {
    const verdict = checkInvariants(settledRun());
    expect(verdict.checks.filter((c) => !c.ok)).toEqual([]);
    expect(verdict.availability).toMatchObject({ valid: 1, approved: 1, share: 1 });
    expect(verdict.outcomes.rejectionReasons).toEqual({
      'payment.card-declined': 1,
      'credit.insufficient-credit': 1,
    });
  });

  it.each([
    ['accepted-orders-recorded', (run) => run.db.orders.splice(0, 1)],
    [
      'one-order-per-key',
      (run) =>
        run.records[0].submissions.push({
          outcome: 'accepted',
          orderId: id('0', 9),
          sagaId: id('5', 9),
          attempts: 1,
        }),
    ],
    [
      'one-order-per-key',
      (run) =>
        run.records[1].submissions.push({ outcome: 'refused', status: 422, body: {}, attempts: 1 }),
    ],
    ['sagas-terminal', (run) => (run.db.sagas[1].status = 'COMPENSATING')],
    ['sagas-terminal', (run) => (run.db.sagas[1].status = 'FAILED')],
    ['saga-and-order-agree', (run) => (run.db.sagas[0].status = 'COMPENSATED')],
    ['approved-charged-once', (run) => (run.db.payments[0].status = 'VOIDED')],
    ['rejected-not-charged', (run) => (run.db.payments[1].status = 'CHARGED')],
    [
      'rejected-not-charged',
      (run) => run.db.payments.push({ orderId: id('0', 3), status: 'PENDING', amount: 9000 }),
    ],
    ['credit-reservations-match', (run) => (run.db.reservations[1].status = 'RESERVED')],
    ['credit-balance', (run) => (run.db.customers[0].available = 3500)],
    ['credit-balance', (run) => (run.api.credit[0].availableCredit.amount = 5000)],
    ['api-agrees', (run) => (run.api.orders[0].status = 'PENDING')],
    ['queues-drained', (run) => (run.queues[0].unacked = 1)],
    ['queues-drained', (run) => (run.db.unsentOutbox.credit = 2)],
    [
      'dead-letters-explained',
      (run) => run.deadLetters.push({ queue: DEAD_LETTER_QUEUES[0], type: 'x', reason: null }),
    ],
    ['availability', (run) => (run.db.orders[0].status = 'REJECTED')],
  ])('%s fails when it is broken', (name, breakIt) => {
    const run = settledRun();
    breakIt(run);
    expect(failed(run)).toContain(name);
  });

  it('counts a valid order approved through its key when its 202 never came back', () => {
    const run = settledRun();
    run.records[0].submissions = [
      { outcome: 'abandoned', attempts: 40, errors: { 'HTTP 503': 40 } },
    ];
    run.api.orders = run.api.orders.slice(1);
    const verdict = checkInvariants(run);
    expect(verdict.availability.approved).toBe(1);
    expect(verdict.checks.filter((c) => !c.ok)).toEqual([]);
  });

  it('lets a FAILED saga leave its order PENDING and its credit held, and counts it for an operator', () => {
    const run = settledRun();
    run.db.sagas[0] = { ...run.db.sagas[0], status: 'FAILED', lastError: 'compensation timed out' };
    run.db.orders[0].status = 'PENDING';
    run.api.orders[0].status = 'PENDING';
    const verdict = checkInvariants(run);
    expect(verdict.checks.filter((c) => !c.ok).map((c) => c.name)).toEqual(['availability']);
    expect(verdict.needsAttention).toMatchObject({
      failedSagas: 1,
      ordersPending: 1,
      charged: 1,
      holdingCredit: 1,
    });
    expect(verdict.availability.missed).toEqual({ 'saga FAILED: compensation timed out': 1 });
  });

  it('says why valid orders were not approved', () => {
    const records = [
      {
        valid: true,
        order: { status: 'REJECTED', rejectionReason: 'payment timed out: payment.charge-payment' },
        submissions: [],
      },
      { valid: true, submissions: [{ outcome: 'abandoned', errors: { ECONNRESET: 3 } }] },
      { valid: false, submissions: [] },
    ];
    expect(availabilityOf(records)).toEqual({
      valid: 2,
      approved: 0,
      share: 0,
      missed: { 'REJECTED: payment.charge-payment': 1, 'never accepted (ECONNRESET)': 1 },
      missedAt: [
        { atS: 0, why: 'REJECTED: payment.charge-payment' },
        { atS: 0, why: 'never accepted (ECONNRESET)' },
      ],
    });
  });

  it('reads the failure code out of a rejection reason', () => {
    expect(reasonCode('credit.insufficient-credit: available 10 < 20')).toBe(
      'credit.insufficient-credit',
    );
    expect(reasonCode(null)).toBe('(none)');
  });
});

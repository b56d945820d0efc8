import { describe, expect, it } from '@jest/globals';
import { availabilityOf, checkInvariants, reasonCode } from './invariants.mjs';
import { DEAD_LETTER_QUEUES } from './layout.mjs';
import { id, settledRun } from './settled-run.fixture.mjs';

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
    [
      'saga-and-order-agree',
      (run) => {
        run.db.sagas[1].status = 'RUNNING';
        run.db.orders[1].status = 'PENDING';
      },
    ],
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

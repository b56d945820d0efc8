import { DEAD_LETTER_QUEUES, WORK_QUEUES } from './layout.mjs';

/** What the invariants read after a settled run, for the specs: every check holds on it. */
const CUSTOMER = '00000000-0000-4000-8000-000000000001';
export const id = (prefix, n) => `${prefix}000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

/** A settled run of three orders: one approved, one declined, one out of credit. */
export function settledRun() {
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

import { WORK_QUEUES } from './layout.mjs';

const TERMINAL = ['COMPLETED', 'COMPENSATED', 'FAILED'];
const EXAMPLES = 10;

/** A check's verdict: ok when nothing violated it; a few examples name what did. */
class Check {
  constructor(name, description) {
    this.name = name;
    this.description = description;
    this.violations = 0;
    this.examples = [];
  }

  expect(condition, example) {
    if (condition) return;
    this.violations += 1;
    if (this.examples.length < EXAMPLES) this.examples.push(example);
  }

  toJSON() {
    const { name, description, violations, examples } = this;
    return { name, ok: violations === 0, description, violations, examples };
  }
}

const groupBy = (items, key) => {
  const groups = new Map();
  for (const item of items) {
    const value = item[key];
    if (!groups.has(value)) groups.set(value, []);
    groups.get(value).push(item);
  }
  return groups;
};
const count = (items, key) =>
  items.reduce((counts, item) => ({ ...counts, [item[key]]: (counts[item[key]] ?? 0) + 1 }), {});

/** The failure code in a rejection reason (`credit.insufficient-credit: ...`), else its start. */
export function reasonCode(reason) {
  if (!reason) return '(none)';
  const code = /\b[a-z]+\.[a-z]+(?:-[a-z]+)+\b|\b[a-z]+\.[a-z]+\b/.exec(reason);
  return code ? code[0] : reason.slice(0, 60);
}

/**
 * Everything the run must guarantee, checked against the databases, the broker and the API after
 * the system settled. `records` are the load driver's orders (with the gateway's answers).
 */
export function checkInvariants({
  records,
  customers,
  db,
  queues,
  deadLetters,
  api,
  availabilityThreshold,
}) {
  const ordersById = new Map(db.orders.map((order) => [order.id, order]));
  const sagasById = new Map(db.sagas.map((saga) => [saga.id, saga]));
  const sagasByOrder = groupBy(db.sagas, 'orderId');
  const sagasByKey = new Map(db.sagas.map((saga) => [keyOf(saga.idempotencyKey), saga]));
  const paymentsByOrder = groupBy(db.payments, 'orderId');
  const reservationsByOrder = groupBy(db.reservations, 'orderId');
  const checks = [];
  const check = (name, description) => {
    const created = new Check(name, description);
    checks.push(created);
    return created;
  };

  // What became of each planned order: through its 202, or through its key if no 202 came back.
  for (const record of records) {
    const accepted = record.submissions.filter((s) => s.outcome === 'accepted');
    record.accepted = accepted[0];
    const saga = record.accepted
      ? sagasById.get(record.accepted.sagaId)
      : sagasByKey.get(record.idempotencyKey);
    record.saga = saga;
    record.order = ordersById.get(record.accepted?.orderId ?? saga?.orderId);
  }

  const recorded = check(
    'accepted-orders-recorded',
    'every accepted order (202) has exactly one order row and one saga',
  );
  for (const record of records.filter((r) => r.accepted)) {
    const { orderId, sagaId } = record.accepted;
    recorded.expect(
      ordersById.has(orderId),
      `order ${orderId} (key ${record.idempotencyKey}) has no row`,
    );
    recorded.expect(
      sagasById.get(sagaId)?.orderId === orderId,
      `saga ${sagaId} does not exist or is not order ${orderId}'s`,
    );
    recorded.expect(
      (sagasByOrder.get(orderId) ?? []).length === 1,
      `order ${orderId} has ${(sagasByOrder.get(orderId) ?? []).length} sagas`,
    );
  }

  const keys = check(
    'one-order-per-key',
    'every answer to one Idempotency-Key names the same order and saga; no request refused',
  );
  for (const record of records) {
    const accepted = record.submissions.filter((s) => s.outcome === 'accepted');
    const distinct = new Set(accepted.map((s) => `${s.orderId}/${s.sagaId}`));
    keys.expect(
      distinct.size <= 1,
      `key ${record.idempotencyKey} got ${distinct.size} different orders`,
    );
    for (const refused of record.submissions.filter((s) => s.outcome === 'refused')) {
      keys.expect(
        false,
        `key ${record.idempotencyKey} refused: ${refused.status} ${JSON.stringify(refused.body).slice(0, 120)}`,
      );
    }
  }

  const terminal = check(
    'sagas-terminal',
    'every saga ended COMPLETED, COMPENSATED or FAILED; FAILED only with a reason',
  );
  for (const saga of db.sagas) {
    terminal.expect(TERMINAL.includes(saga.status), `saga ${saga.id} is still ${saga.status}`);
    if (saga.status === 'FAILED')
      terminal.expect(Boolean(saga.lastError), `saga ${saga.id} FAILED without a reason`);
  }

  // A FAILED saga needs an operator: its order may stay PENDING, its credit held, even charged.
  const stuck = new Set(db.sagas.filter((saga) => saga.status === 'FAILED').map((s) => s.orderId));

  const agree = check(
    'saga-and-order-agree',
    'COMPLETED sagas approved their order, COMPENSATED ones rejected it; no order is left PENDING (unless its saga FAILED) or without a saga',
  );
  for (const saga of db.sagas) {
    const order = ordersById.get(saga.orderId);
    const expected = { COMPLETED: 'APPROVED', COMPENSATED: 'REJECTED' }[saga.status];
    if (expected)
      agree.expect(
        order?.status === expected,
        `saga ${saga.id} ${saga.status} but order ${saga.orderId} is ${order?.status ?? 'missing'}`,
      );
  }
  for (const order of db.orders) {
    agree.expect(
      order.status !== 'PENDING' || stuck.has(order.id),
      `order ${order.id} is still PENDING`,
    );
    agree.expect(sagasByOrder.has(order.id), `order ${order.id} has no saga`);
  }

  const charged = check(
    'approved-charged-once',
    'every approved order has exactly one payment, CHARGED, of its total',
  );
  const notCharged = check(
    'rejected-not-charged',
    'no rejected (or unknown) order keeps a CHARGED payment; no payment is left PENDING (orders of FAILED sagas aside)',
  );
  for (const order of db.orders) {
    const payments = paymentsByOrder.get(order.id) ?? [];
    if (order.status === 'APPROVED') {
      charged.expect(
        payments.length === 1 &&
          payments[0].status === 'CHARGED' &&
          payments[0].amount === order.amount,
        `approved order ${order.id}: payments ${JSON.stringify(payments.map((p) => `${p.status} ${p.amount}`))}`,
      );
    }
  }
  for (const payment of db.payments) {
    const order = ordersById.get(payment.orderId);
    if (stuck.has(payment.orderId)) continue;
    if (payment.status === 'CHARGED')
      notCharged.expect(
        order?.status === 'APPROVED',
        `order ${payment.orderId} is ${order?.status ?? 'missing'} but its payment is CHARGED`,
      );
    notCharged.expect(
      payment.status !== 'PENDING',
      `payment of order ${payment.orderId} is still PENDING`,
    );
  }

  const reserved = check(
    'credit-reservations-match',
    'approved orders hold one RESERVED reservation of their total; no other order holds one (orders of FAILED sagas aside)',
  );
  for (const order of db.orders.filter((o) => !stuck.has(o.id))) {
    const held = (reservationsByOrder.get(order.id) ?? []).filter((r) => r.status === 'RESERVED');
    if (order.status === 'APPROVED') {
      reserved.expect(
        held.length === 1 && held[0].amount === order.amount,
        `approved order ${order.id} holds ${held.length} reservations`,
      );
    } else {
      reserved.expect(
        held.length === 0,
        `${order.status} order ${order.id} still holds a reservation`,
      );
    }
  }
  for (const reservation of db.reservations.filter((r) => r.status === 'RESERVED')) {
    reserved.expect(
      ordersById.has(reservation.orderId),
      `reservation for unknown order ${reservation.orderId}`,
    );
  }

  const balance = check(
    'credit-balance',
    "every customer's available credit is its limit minus its approved orders (and what FAILED sagas hold), in the database and through the API",
  );
  const approvedTotal = new Map();
  const add = (customerId, amount) =>
    approvedTotal.set(customerId, (approvedTotal.get(customerId) ?? 0) + amount);
  for (const order of db.orders.filter((o) => o.status === 'APPROVED')) {
    add(order.customerId, order.amount);
  }
  for (const reservation of db.reservations) {
    if (reservation.status === 'RESERVED' && stuck.has(reservation.orderId)) {
      const order = ordersById.get(reservation.orderId);
      if (order?.status !== 'APPROVED') add(reservation.customerId, reservation.amount);
    }
  }
  const apiCredit = new Map(api.credit.map((view) => [view.id, view]));
  for (const customer of db.customers) {
    const expected = customer.limit - (approvedTotal.get(customer.id) ?? 0);
    balance.expect(
      customer.available === expected,
      `customer ${customer.id}: available ${customer.available}, limit minus approved ${expected}`,
    );
    const view = apiCredit.get(customer.id);
    if (view)
      balance.expect(
        view.status === 200 && view.availableCredit?.amount === expected,
        `customer ${customer.id}: the API says ${view.status} ${view.availableCredit?.amount}, expected ${expected}`,
      );
  }

  const apiAgrees = check(
    'api-agrees',
    "GET /api/orders/:id shows every accepted order's final status",
  );
  for (const view of api.orders) {
    const order = ordersById.get(view.id);
    apiAgrees.expect(
      view.httpStatus === 200 && view.status === order?.status,
      `order ${view.id}: API ${view.httpStatus} ${view.status}, database ${order?.status}`,
    );
  }

  const declined = check(
    'declines-never-approved',
    'orders paid with tok_decline or tok_insufficient_funds are never approved',
  );
  for (const record of records) {
    if (['tok_decline', 'tok_insufficient_funds'].includes(record.paymentToken)) {
      declined.expect(
        record.order?.status !== 'APPROVED',
        `order ${record.order?.id} (${record.paymentToken}) was approved`,
      );
    }
  }

  const drained = check(
    'queues-drained',
    'nothing ready or unacknowledged in the commands and replies queues; every outbox sent',
  );
  for (const name of WORK_QUEUES) {
    const queue = queues.find((q) => q.name === name);
    drained.expect(queue !== undefined, `queue ${name} is missing`);
    if (queue)
      drained.expect(
        queue.messages === 0 && queue.unacked === 0,
        `${name}: ${queue.messages} messages, ${queue.unacked} unacknowledged`,
      );
  }
  for (const [schema, unsent] of Object.entries(db.unsentOutbox)) {
    drained.expect(unsent === 0, `${schema}.outbox has ${unsent} unsent messages`);
  }

  const explained = check('dead-letters-explained', 'every dead letter carries its reason');
  for (const letter of deadLetters) {
    explained.expect(
      Boolean(letter.reason),
      `${letter.queue}: ${letter.type} ${letter.messageId} has no reason`,
    );
  }

  const availability = availabilityOf(records);
  const available = check(
    'availability',
    `at least ${(availabilityThreshold * 100).toFixed(1)} % of valid approve-path orders approved`,
  );
  available.expect(
    availability.share >= availabilityThreshold,
    `${availability.approved} of ${availability.valid} approved (${(availability.share * 100).toFixed(2)} %)`,
  );

  return {
    checks: checks.map((c) => c.toJSON()),
    availability,
    outcomes: outcomesOf(records, db),
    needsAttention: needsAttentionOf(db, stuck, paymentsByOrder, reservationsByOrder),
    deadLetters: deadLetterSummary(deadLetters),
    customers: customers.length,
  };
}

/** Valid orders (approve path, credit certain, not slow) that ended approved, and why the rest did not. */
export function availabilityOf(records) {
  const valid = records.filter((record) => record.valid);
  const approved = valid.filter((record) => record.order?.status === 'APPROVED');
  const missed = {};
  const missedAt = [];
  for (const record of valid.filter((r) => r.order?.status !== 'APPROVED')) {
    const why =
      record.saga?.status === 'FAILED'
        ? `saga FAILED: ${record.saga.lastError}`
        : record.order
          ? `${record.order.status}: ${reasonCode(record.order.rejectionReason)}`
          : record.accepted
            ? 'accepted, but no order row'
            : `never accepted (${Object.keys(record.submissions[0]?.errors ?? {}).join(', ')})`;
    missed[why] = (missed[why] ?? 0) + 1;
    missedAt.push({ atS: Math.round((record.startedAt ?? 0) / 100) / 10, why });
  }
  return {
    valid: valid.length,
    approved: approved.length,
    share: valid.length === 0 ? 1 : approved.length / valid.length,
    missed,
    missedAt,
  };
}

function outcomesOf(records, db) {
  const byKind = {};
  for (const record of records) {
    const status = record.order?.status ?? (record.accepted ? 'NO ORDER ROW' : 'NOT ACCEPTED');
    byKind[record.kind] ??= {};
    byKind[record.kind][status] = (byKind[record.kind][status] ?? 0) + 1;
  }
  const rejectionReasons = count(
    db.orders
      .filter((o) => o.status === 'REJECTED')
      .map((o) => ({ code: reasonCode(o.rejectionReason) })),
    'code',
  );
  const linked = new Set(records.map((record) => record.saga));
  const sagaDurations = db.sagas.map((s) => s.durationS).sort((a, b) => a - b);
  const percentile = (p) =>
    sagaDurations[Math.min(sagaDurations.length - 1, Math.floor(p * sagaDurations.length))] ?? 0;
  return {
    sagas: count(db.sagas, 'status'),
    orders: count(db.orders, 'status'),
    payments: count(db.payments, 'status'),
    reservations: count(db.reservations, 'status'),
    byKind,
    rejectionReasons,
    sagaDurationS: {
      p50: percentile(0.5),
      p95: percentile(0.95),
      p99: percentile(0.99),
      max: sagaDurations.at(-1) ?? 0,
    },
    orphanSagas: db.sagas.filter((saga) => !linked.has(saga)).length,
    submissions: {
      accepted: records.filter((r) => r.accepted).length,
      abandoned: records.filter(
        (r) => !r.accepted && r.submissions.some((s) => s.outcome === 'abandoned'),
      ).length,
      refused: records.filter((r) => r.submissions.some((s) => s.outcome === 'refused')).length,
      retriedPosts: records.reduce(
        (n, r) => n + r.submissions.reduce((m, s) => m + s.attempts - 1, 0),
        0,
      ),
      doubleSubmitted: records.filter((r) => r.doubleSubmit).length,
    },
  };
}

/** What FAILED sagas left for an operator: pending orders, charges, credit held. */
function needsAttentionOf(db, stuck, paymentsByOrder, reservationsByOrder) {
  const orders = db.orders.filter((order) => stuck.has(order.id));
  const has = (byOrder, status) => (order) =>
    (byOrder.get(order.id) ?? []).some((row) => row.status === status);
  return {
    failedSagas: db.sagas.filter((saga) => saga.status === 'FAILED').length,
    reasons: count(
      db.sagas.filter((saga) => saga.status === 'FAILED').map((s) => ({ r: s.lastError })),
      'r',
    ),
    ordersPending: orders.filter((order) => order.status === 'PENDING').length,
    charged: orders.filter(has(paymentsByOrder, 'CHARGED')).length,
    holdingCredit: orders.filter(has(reservationsByOrder, 'RESERVED')).length,
  };
}

function deadLetterSummary(letters) {
  const perQueue = {};
  for (const { queue, type, reason } of letters) {
    perQueue[queue] ??= { count: 0, reasons: {} };
    perQueue[queue].count += 1;
    const key = `${type}: ${reason ?? '(no reason)'}`.slice(0, 200);
    perQueue[queue].reasons[key] = (perQueue[queue].reasons[key] ?? 0) + 1;
  }
  return { total: letters.length, perQueue };
}

/** Our key inside the stored one, however the orchestrator scopes it (`<customer>:<key>`...). */
function keyOf(stored) {
  const match = /chaos-\d+-\d+$/.exec(stored ?? '');
  return match ? match[0] : stored;
}

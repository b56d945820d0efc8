import { setTimeout as sleep } from 'node:timers/promises';
import { isRetryable } from './gateway-client.mjs';

/** Tokens whose orders should end approved when credit covers them. */
export const APPROVE_PATH_TOKENS = ['tok_approve', 'tok_flaky'];

/** The order mix before `tok_slow` takes its share; `insufficient-credit` goes to tight customers. */
const MIX = {
  approve: 0.55,
  flaky: 0.15,
  decline: 0.08,
  'insufficient-funds': 0.04,
  'insufficient-credit': 0.18,
};
const TOKEN_OF = {
  approve: 'tok_approve',
  flaky: 'tok_flaky',
  decline: 'tok_decline',
  'insufficient-funds': 'tok_insufficient_funds',
  'insufficient-credit': 'tok_approve',
  slow: 'tok_slow',
};
const ORDERS_PER_ROOMY_CUSTOMER = 50;
const ORDERS_PER_TIGHT_CUSTOMER = 5;
/** A tight customer's limit covers about two of its five orders of 1,000 to 3,000. */
const TIGHT_LIMIT = 4_000;
const CURRENCY = 'EUR';

/**
 * The run's customers and orders, from the seed alone. Roomy customers get every kind of order
 * and a limit far above all of them together; tight customers get approvable orders that exhaust
 * their limit ("insufficient credit"). An order is *valid* (counts for availability) when its
 * token is on the approve path, it is not slow, and its customer's limit covers every order the
 * customer is ever sent, whatever their outcome or order of arrival.
 */
export function planLoad(rng, { orders: count, slowShare, doubleSubmitShare, seed }) {
  const mix = Object.fromEntries(
    Object.entries(MIX).map(([kind, weight]) => [kind, weight * (1 - slowShare)]),
  );
  mix.slow = slowShare;
  const kinds = Array.from({ length: count }, () => rng.weighted(mix));
  const tightCount = kinds.filter((kind) => kind === 'insufficient-credit').length;
  const roomy = Array.from(
    { length: Math.max(2, Math.ceil((count - tightCount) / ORDERS_PER_ROOMY_CUSTOMER)) },
    (_, i) => ({ name: `chaos roomy ${i + 1}`, tight: false, planned: 0 }),
  );
  const tight = Array.from(
    { length: Math.max(1, Math.ceil(tightCount / ORDERS_PER_TIGHT_CUSTOMER)) },
    (_, i) => ({ name: `chaos tight ${i + 1}`, tight: true, planned: 0 }),
  );
  const orders = kinds.map((kind, seq) => {
    const isTight = kind === 'insufficient-credit';
    const customer =
      rng.int(0, (isTight ? tight : roomy).length - 1) + (isTight ? roomy.length : 0);
    const amount = isTight ? rng.int(1_000, 3_000) : rng.int(100, 5_000);
    return {
      seq,
      kind,
      customer,
      paymentToken: TOKEN_OF[kind],
      total: { amount, currency: CURRENCY },
      idempotencyKey: `chaos-${seed}-${seq}`,
      doubleSubmit: rng.next() < doubleSubmitShare,
    };
  });
  const customers = [...roomy, ...tight];
  for (const order of orders) customers[order.customer].planned += order.total.amount;
  for (const customer of customers) {
    customer.limit = customer.tight ? TIGHT_LIMIT : customer.planned * 2 + 100_000;
  }
  for (const order of orders) {
    const customer = customers[order.customer];
    order.valid =
      APPROVE_PATH_TOKENS.includes(order.paymentToken) && customer.planned <= customer.limit;
  }
  return { customers, orders };
}

const GIVE_UP_MS = 90_000;

/**
 * Places the planned orders as a steady stream (order n starts n / rate seconds in) from at most
 * `clients` concurrent clients. A POST that fails (no answer, 5xx, 429) is sent again with the
 * same Idempotency-Key, as a frontend would, for up to 90 s.
 */
export async function driveLoad({ plan, tokens, gateway, rate, clients, log }) {
  const startedAt = Date.now();
  const records = [];
  const running = new Set();
  let accepted = 0;
  let retries = 0;
  const progress = setInterval(() => {
    const elapsed = Math.round((Date.now() - startedAt) / 1000);
    log(
      `t+${elapsed}s  started ${records.length}/${plan.orders.length}  accepted ${accepted}  retried POSTs ${retries}  in flight ${running.size}`,
    );
  }, 10_000);
  try {
    for (const order of plan.orders) {
      const due = startedAt + (order.seq / rate) * 1000;
      if (due > Date.now()) await sleep(due - Date.now());
      while (running.size >= clients) await Promise.race(running);
      const record = { ...order, startedAt: Date.now() - startedAt, submissions: [] };
      records.push(record);
      const token = tokens[order.customer];
      const copies = order.doubleSubmit ? 2 : 1;
      const work = Promise.all(
        Array.from({ length: copies }, () =>
          submit(gateway, token, order).then((submission) => {
            record.submissions.push(submission);
            retries += submission.attempts - 1;
          }),
        ),
      ).then(() => {
        if (record.submissions.some((s) => s.outcome === 'accepted')) accepted += 1;
      });
      running.add(work);
      void work.finally(() => running.delete(work));
    }
    await Promise.all(running);
  } finally {
    clearInterval(progress);
  }
  return { records, durationMs: Date.now() - startedAt };
}

async function submit(gateway, token, order) {
  const deadline = Date.now() + GIVE_UP_MS;
  const errors = {};
  for (let attempt = 1; ; attempt += 1) {
    let failure;
    try {
      const response = await gateway.placeOrder(
        token,
        order.total,
        order.paymentToken,
        order.idempotencyKey,
      );
      if (response.status === 202) {
        const { orderId, sagaId } = response.body;
        return { outcome: 'accepted', orderId, sagaId, attempts: attempt, errors };
      }
      if (!isRetryable(response.status)) {
        return {
          outcome: 'refused',
          status: response.status,
          body: response.body,
          attempts: attempt,
          errors,
        };
      }
      failure = `HTTP ${response.status}`;
    } catch (error) {
      failure = error.cause?.code ?? error.name;
    }
    errors[failure] = (errors[failure] ?? 0) + 1;
    if (Date.now() > deadline) return { outcome: 'abandoned', attempts: attempt, errors };
    await sleep(Math.min(200 * 2 ** (attempt - 1), 2_000) * (0.5 + Math.random()));
  }
}

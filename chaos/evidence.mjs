import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import pg from 'pg';
import { withBroker } from './broker-connection.mjs';
import {
  DEAD_LETTER_QUEUES,
  NAMESPACE,
  POSTGRES_ADMIN_URL,
  SCHEMAS,
  WORK_QUEUES,
} from './layout.mjs';

const run = promisify(execFile);

/** Runs `work` with the superuser's connection to the chaos database (not through a proxy). */
export async function withDatabase(work) {
  const client = new pg.Client({
    connectionString: POSTGRES_ADMIN_URL,
    connectionTimeoutMillis: 5000,
  });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

const rows = async (client, sql) => (await client.query(sql)).rows;

/**
 * What is still going on in the databases; settled when no saga is live, no payment waits for
 * the provider (PENDING or VOIDING: payment settles each one, and answers its commands, later
 * however long it retries) and every outbox sent.
 */
export async function unfinishedWork() {
  return withDatabase(async (client) => {
    const [counts] = await rows(
      client,
      `SELECT
         (SELECT count(*) FROM orchestrator.saga_instances
           WHERE status IN ('RUNNING', 'COMPENSATING'))::int AS "liveSagas",
         (SELECT count(*) FROM orders.orders WHERE status = 'PENDING')::int AS "pendingOrders",
         (SELECT count(*) FROM payments.payments WHERE status = 'PENDING')::int AS "pendingPayments",
         (SELECT count(*) FROM payments.payments
           WHERE status IN ('PENDING', 'VOIDING'))::int AS "settlingPayments",
         ${SCHEMAS.map((s) => `(SELECT count(*) FROM ${s}.outbox WHERE sent_at IS NULL)::int`).join(' + ')}
           AS "unsentOutbox"`,
    );
    return counts;
  });
}

/** Every row the invariants read, straight from each app's schema. */
export async function databaseEvidence() {
  return withDatabase(async (client) => ({
    sagas: await rows(
      client,
      `SELECT id, status, last_error AS "lastError", idempotency_key AS "idempotencyKey",
              customer_id AS "customerId", data->>'orderId' AS "orderId",
              data->>'paymentToken' AS "paymentToken",
              (data->'total'->>'amount')::bigint::int AS amount,
              extract(epoch FROM updated_at - created_at)::float AS "durationS"
         FROM orchestrator.saga_instances WHERE saga_type = 'place-order'`,
    ),
    orders: await rows(
      client,
      `SELECT id, customer_id AS "customerId", total_amount::int AS amount, status,
              rejection_reason AS "rejectionReason"
         FROM orders.orders`,
    ),
    payments: await rows(
      client,
      `SELECT order_id AS "orderId", status, amount::int AS amount, failure_code AS "failureCode"
         FROM payments.payments`,
    ),
    customers: await rows(
      client,
      `SELECT id, credit_limit::int AS "limit", available_credit::int AS available
         FROM credit.customers`,
    ),
    reservations: await rows(
      client,
      `SELECT order_id AS "orderId", customer_id AS "customerId", amount::int AS amount, status
         FROM credit.credit_reservations`,
    ),
    unsentOutbox: await unsentOutbox(client),
  }));
}

/** One query at a time: a pg client runs its queries one after another anyway. */
async function unsentOutbox(client) {
  const unsent = {};
  for (const schema of SCHEMAS) {
    const [{ n }] = await rows(
      client,
      `SELECT count(*)::int AS n FROM ${schema}.outbox WHERE sent_at IS NULL`,
    );
    unsent[schema] = n;
  }
  return unsent;
}

/** Ready and unacknowledged messages of the namespace's work and dead-letter queues. */
export async function queueDepths() {
  const { stdout } = await run(
    'rabbitmqctl',
    ['-q', 'list_queues', 'name', 'messages', 'messages_unacknowledged', '--formatter', 'json'],
    { timeout: 60_000 },
  );
  const wanted = new Set([...WORK_QUEUES, ...DEAD_LETTER_QUEUES]);
  return JSON.parse(stdout)
    .filter((queue) => wanted.has(queue.name))
    .map(({ name, messages, messages_unacknowledged: unacked }) => ({ name, messages, unacked }));
}

/**
 * Every dead letter with its reason: those the orchestrator took off the broker into its
 * `dead_letters` table (any status), and those still on a dead-letter queue (the orchestrator was
 * down or behind), taken with basic.get and left unacknowledged, then handed back to their queue
 * when the channel closes, so the queue is as it was. A message on a queue that is already a row
 * (kept, but its ack lost to a crash) counts once.
 */
export async function deadLetters(limitPerQueue = 2000) {
  const stored = await withDatabase((client) =>
    rows(
      client,
      `SELECT queue, message_type AS type, message_id AS "messageId", saga_id AS "sagaId", reason
         FROM orchestrator.dead_letters ORDER BY dead_lettered_at`,
    ),
  );
  const letters = stored.map((letter) => ({
    ...letter,
    queue: `${NAMESPACE}${letter.queue}.dead-letter`,
  }));
  const kept = new Set(letters.map(keyOfLetter));
  await withBroker(async (broker) => {
    for (const queue of DEAD_LETTER_QUEUES) {
      const channel = await broker.channel();
      for (let i = 0; i < limitPerQueue; i += 1) {
        const message = await channel.get(queue, { noAck: false });
        if (!message) break;
        const letter = describeDeadLetter(queue, message);
        if (!kept.has(keyOfLetter(letter))) letters.push(letter);
      }
      await channel.close();
    }
  });
  return letters;
}

function keyOfLetter({ queue, messageId, reason }) {
  return JSON.stringify([queue, messageId, reason]);
}

/** The app writes its reason in x-dead-letter-reason; the broker's own (delivery limit) is in x-death. */
export function describeDeadLetter(queue, { properties }) {
  const headers = properties.headers ?? {};
  const death = Array.isArray(headers['x-death']) ? headers['x-death'][0] : undefined;
  const reason =
    headers['x-dead-letter-reason'] ??
    (death ? `broker: ${death.reason} (${death.queue})` : undefined);
  return {
    queue,
    type: properties.type ?? null,
    messageId: properties.messageId ?? null,
    sagaId: headers['x-saga-id'] ?? null,
    reason: reason === undefined ? null : String(reason),
  };
}

/** What the public API says about each customer's credit and each accepted order. */
export async function apiEvidence({
  gateway,
  adminToken,
  customerIds,
  orderIds,
  concurrency = 16,
}) {
  const credit = await mapLimited(customerIds, concurrency, async (id) => {
    const response = await gateway.request('GET', `/api/customers/${id}/credit`, {
      token: adminToken,
    });
    return { id, status: response.status, ...response.body };
  });
  const orders = await mapLimited(orderIds, concurrency, async (id) => {
    const response = await gateway.request('GET', `/api/orders/${id}`, { token: adminToken });
    return { id, httpStatus: response.status, status: response.body.status };
  });
  return { credit, orders };
}

async function mapLimited(items, limit, work) {
  const results = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        results[i] = await work(items[i]);
      }
    }),
  );
  return results;
}

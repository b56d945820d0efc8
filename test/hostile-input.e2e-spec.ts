import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SignJWT, UnsecuredJWT } from 'jose';
import pg from 'pg';
import { ApiClient, type Money } from './support/api-client.js';
import { launchApp, stopApp, waitForStatus, type RunningApp } from './support/app-process.js';
import { eventually } from './support/eventually.js';
import {
  envFor,
  GATEWAY_URL,
  paymentStatusOf,
  startSystem,
  stopSystem,
  SYSTEM,
  TEST_DATABASE,
} from './support/system.js';

const api = new ApiClient(GATEWAY_URL);
const eur = (amount: number): Money => ({ amount, currency: 'EUR' });
/** Rows the hostile pass must not add to; the one saga in flight no longer inserts in them. */
const WATCHED_TABLES = [
  'orders.orders',
  'credit.customers',
  'credit.credit_reservations',
  'payments.payments',
  'orchestrator.saga_instances',
];

const INJECTIONS = [
  "'; DROP TABLE orders; --",
  '" OR 1=1 --',
  '${7*7}{{7*7}}',
  '<script>alert(1)</script>',
  '../../../../etc/passwd',
  '\u0000\u0001\u001f',
  '\u202e\ud83d\ude00\u0301'.repeat(50),
  'A'.repeat(100_000),
];
const NUMBERS = [-1, 0, 1.5, 2 ** 53 + 1, 1e308, -1e308, '100', null, true, [], {}];

interface Attempt {
  what: string;
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

interface Answer {
  what: string;
  status: number;
  body: string;
}

async function send(attempt: Attempt): Promise<Answer> {
  const response = await fetch(`${GATEWAY_URL}${attempt.path}`, {
    method: attempt.method,
    headers: attempt.headers,
    body: attempt.body,
    signal: AbortSignal.timeout(15_000),
  });
  return { what: attempt.what, status: response.status, body: await response.text() };
}

/** A 4xx in the one error shape, never a 5xx or a stack. */
function expectRefusal(answer: Answer): void {
  const summary = { what: answer.what, status: answer.status };
  expect(summary).toEqual({ what: answer.what, status: expect.any(Number) });
  expect({ ...summary, client: answer.status >= 400 && answer.status < 500 }).toEqual({
    ...summary,
    client: true,
  });
  let body: Record<string, unknown> = {};
  try {
    body = JSON.parse(answer.body) as Record<string, unknown>;
  } catch {
    // Not JSON: the assertion below names the attempt.
  }
  expect({ what: answer.what, body }).toEqual({
    what: answer.what,
    body: expect.objectContaining({
      statusCode: answer.status,
      error: expect.any(String),
      message: expect.any(String),
      requestId: expect.any(String),
    }),
  });
  expect(answer.body).not.toMatch(/\bat .+\(.+:\d+:\d+\)/);
}

describe('hostile input, through the real system', () => {
  let apps: RunningApp[];
  let database: pg.Client;
  let admin: string;
  let customer: string;
  let customerId: string;
  let sagaId: string;
  let rowsBefore: Record<string, number>;

  async function rowCounts(): Promise<Record<string, number>> {
    const counts: Record<string, number> = {};
    for (const table of WATCHED_TABLES) {
      const { rows } = await database.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM ${table}`,
      );
      counts[table] = rows[0].n;
    }
    return counts;
  }

  beforeAll(async () => {
    // The charge hangs for a minute, so the one saga stays RUNNING through the stream flood.
    apps = await startSystem({
      PAYMENT_SIMULATOR_SLOW_MS: '60000',
      PLACE_ORDER_PAYMENT_TIMEOUT_MS: '60000',
    });
    database = new pg.Client({
      connectionString: `postgres://postgres@127.0.0.1:5432/${TEST_DATABASE}`,
    });
    await database.connect();
    admin = await api.token('admin');
    customerId = await api.createCustomer(admin, eur(100_000));
    customer = await api.token('customer', customerId);
    const placed = await api.placeOrder(customer, eur(1250), 'tok_slow');
    expect(placed.status).toBe(202);
    sagaId = (placed.body as { sagaId: string }).sagaId;
    const orderId = (placed.body as { orderId: string }).orderId;
    await eventually(async () => (await paymentStatusOf(orderId, admin)) !== undefined, {
      timeoutMs: 20_000,
      what: 'the slow charge is under way',
    });
    rowsBefore = await rowCounts();
  }, 120_000);

  afterAll(async () => {
    await database?.end();
    await stopSystem(apps);
  });

  function attempts(): Attempt[] {
    const json = (token?: string, extra: Record<string, string> = {}) => ({
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...extra,
    });
    const key = () => ({ 'idempotency-key': randomUUID() });
    const list: Attempt[] = [];
    const posts: [string, string | undefined, Record<string, string>][] = [
      ['/api/auth/dev-token', undefined, {}],
      ['/api/customers', admin, {}],
      ['/api/orders', customer, key()],
      [`/api/sagas/${sagaId}/retry`, customer, {}],
      [`/api/dead-letters/${randomUUID()}/replay`, customer, {}],
    ];
    for (const [path, token, extra] of posts) {
      list.push(
        {
          what: `${path} malformed JSON`,
          method: 'POST',
          path,
          headers: json(token, extra),
          body: '{"a":',
        },
        {
          what: `${path} oversized body`,
          method: 'POST',
          path,
          headers: json(token, extra),
          body: JSON.stringify({ name: 'x'.repeat(300_000) }),
        },
        {
          what: `${path} text/plain`,
          method: 'POST',
          path,
          headers: { ...json(token, extra), 'content-type': 'text/plain' },
          body: 'role=admin',
        },
        {
          what: `${path} application/xml`,
          method: 'POST',
          path,
          headers: { ...json(token, extra), 'content-type': 'application/xml' },
          body: '<role>admin</role>',
        },
        {
          what: `${path} JSON array`,
          method: 'POST',
          path,
          headers: json(token, extra),
          body: '[1,2]',
        },
      );
    }
    for (const value of [...INJECTIONS, ...NUMBERS]) {
      const label = JSON.stringify(value).slice(0, 40);
      list.push(
        {
          what: `order total ${label}`,
          method: 'POST',
          path: '/api/orders',
          headers: json(customer, key()),
          body: JSON.stringify({
            total: { amount: value, currency: value },
            paymentToken: 'tok_approve',
          }),
        },
        {
          what: `order with extra field ${label}`,
          method: 'POST',
          path: '/api/orders',
          headers: json(customer, key()),
          body: JSON.stringify({ total: eur(1), paymentToken: 'tok_approve', customerId: value }),
        },
        // A zero credit limit is a valid customer: only the hostile values.
        ...(value === 0
          ? []
          : [
              {
                what: `customer limit ${label}`,
                method: 'POST',
                path: '/api/customers',
                headers: json(admin),
                body: JSON.stringify({
                  name: 'Eve',
                  creditLimit: { amount: value, currency: 'EUR' },
                }),
              },
            ]),
        {
          what: `dev token role ${label}`,
          method: 'POST',
          path: '/api/auth/dev-token',
          headers: json(),
          body: JSON.stringify({ role: value, customerId: value }),
        },
        {
          what: `saga list olderThan ${label}`,
          method: 'GET',
          path: `/api/sagas?olderThan=${encodeURIComponent(JSON.stringify(value)).slice(0, 2000)}`,
          headers: json(admin),
        },
      );
      if (typeof value === 'string' && value.length < 1000) {
        list.push({
          what: `order idempotency key ${label}`,
          method: 'POST',
          path: '/api/orders',
          headers: json(customer, { 'idempotency-key': encodeURIComponent(value) + ' ;' }),
          body: JSON.stringify({ total: eur(1), paymentToken: 'tok_approve' }),
        });
      }
    }
    for (const id of [
      '..%2F..%2Fregistry',
      '%2e%2e',
      '1%00',
      "1'%20OR%20'1'='1",
      'x'.repeat(5000),
    ]) {
      for (const path of [
        `/api/orders/${id}`,
        `/api/sagas/${id}`,
        `/api/sagas/${id}/events`,
        `/api/customers/${id}/credit`,
      ]) {
        list.push({
          what: `GET ${path.slice(0, 60)}`,
          method: 'GET',
          path,
          headers: json(customer),
        });
      }
    }
    const forged = [
      'not-a-token',
      'a.b.c',
      new UnsecuredJWT({ role: 'admin' }).setSubject('x').setExpirationTime('1h').encode(),
    ];
    for (const token of forged) {
      for (const path of ['/api/orders', '/api/sagas', '/api/registry', '/api/dead-letters']) {
        list.push({
          what: `${path} forged ${token.slice(0, 12)}`,
          method: 'GET',
          path,
          headers: json(token),
        });
      }
    }
    for (const path of ['/api/orders', `/api/sagas/${sagaId}`, '/api/customers/x/credit']) {
      list.push({ what: `${path} without a token`, method: 'GET', path });
    }
    list.push({
      what: 'a flood of headers',
      method: 'GET',
      path: '/api/orders',
      headers: Object.fromEntries(
        Array.from({ length: 400 }, (_, i) => [`x-flood-${i}`, 'y'.repeat(100)]),
      ),
    });
    return list;
  }

  it('answers every hostile request with a 4xx in the error shape and writes nothing', async () => {
    const wrongSecret = await new SignJWT({ role: 'admin' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('mallory')
      .setIssuer('sagaflow-dev')
      .setAudience('sagaflow-api')
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode('not-the-secret-but-at-least-32-characters'));
    const all = [
      ...attempts(),
      {
        what: 'admin token with another secret',
        method: 'GET',
        path: '/api/sagas',
        headers: { authorization: `Bearer ${wrongSecret}` },
      },
    ];
    for (const attempt of all) expectRefusal(await send(attempt));
    expect(await rowCounts()).toEqual(rowsBefore);
  }, 180_000);

  it('refuses one customer’s 500 event streams beyond its few, with 429 in the error shape', async () => {
    const controllers = Array.from({ length: 500 }, () => new AbortController());
    let ended = 0;
    try {
      const statuses = await Promise.all(
        controllers.map(async (controller) => {
          const response = await fetch(`${GATEWAY_URL}/api/sagas/${sagaId}/events`, {
            headers: { authorization: `Bearer ${customer}` },
            signal: controller.signal,
          });
          if (response.status !== 200) {
            expectRefusal({ what: 'stream', status: response.status, body: await response.text() });
          } else {
            // A stream that ended (its saga did, or its lifetime) gave its slot back meanwhile.
            void response.text().then(
              () => (ended += 1),
              () => undefined,
            );
          }
          return response.status;
        }),
      );
      const counted = statuses.reduce<Record<number, number>>(
        (counts, status) => ({ ...counts, [status]: (counts[status] ?? 0) + 1 }),
        {},
      );
      expect(Object.keys(counted).map(Number).sort()).toEqual([200, 429]);
      expect({ open: counted[200] - ended, ended }).toEqual({ open: 5, ended });
    } finally {
      for (const controller of controllers) controller.abort();
    }
  }, 120_000);

  it('answers a burst past the rate limit with 429, per caller', async () => {
    const gatewayApp = SYSTEM.find((app) => app.name === 'gateway')!;
    const limited = launchApp(
      'gateway',
      envFor({ ...gatewayApp, port: 4130 }, { RATE_LIMIT_PER_MINUTE: '20' }),
    );
    try {
      await waitForStatus(`${limited.url}/health/live`, 200, 30_000);
      const burst = await Promise.all(
        Array.from({ length: 40 }, () =>
          fetch(`${limited.url}/api/orders`).then(async (response) => ({
            what: 'anonymous burst',
            status: response.status,
            body: await response.text(),
          })),
        ),
      );
      const refused = burst.filter((answer) => answer.status === 429);
      expect(refused.length).toBeGreaterThanOrEqual(20);
      for (const answer of refused) expectRefusal(answer);
      // Another caller (a verified customer) has its own budget, though from the same address.
      const other = await fetch(`${limited.url}/api/customers/${customerId}/credit`, {
        headers: { authorization: `Bearer ${customer}` },
      });
      expect(other.status).not.toBe(429);
    } finally {
      await stopApp(limited);
    }
  }, 60_000);

  it('leaves every app up and ready', async () => {
    for (const app of SYSTEM) {
      const response = await fetch(`http://127.0.0.1:${app.port}/health/ready`);
      expect({ app: app.name, status: response.status }).toEqual({ app: app.name, status: 200 });
    }
  });
});

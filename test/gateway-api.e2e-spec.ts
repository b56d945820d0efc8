import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SignJWT } from 'jose';
import { ApiClient, type ApiResponse, type Money } from './support/api-client.js';
import { launchApp, stopApp, waitForStatus, type RunningApp } from './support/app-process.js';
import { signDevToken } from '@app/identity';
import { envFor, GATEWAY_URL, startSystem, stopSystem, SYSTEM } from './support/system.js';

const SECRET = 'e2e-gateway-api-secret-of-at-least-32-chars';
const api = new ApiClient(GATEWAY_URL);
const eur = (amount: number): Money => ({ amount, currency: 'EUR' });

const portOf = (name: string): number => SYSTEM.find((app) => app.name === name)!.port;

interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
  requestId: string;
  details?: { field: string; message: string }[];
}

/** The one error shape, its status, a message saying what is wrong, and the request id. */
function expectError(response: ApiResponse<unknown>, status: number, message: RegExp): ErrorBody {
  const body = response.body as ErrorBody;
  expect({ status: response.status, body }).toEqual({
    status,
    body: {
      statusCode: status,
      error: expect.any(String),
      message: expect.stringMatching(message),
      requestId: expect.any(String),
      ...(body.details === undefined ? {} : { details: expect.any(Array) }),
    },
  });
  expect(response.headers.get('x-request-id')).toBe(body.requestId);
  // Refusals carry the security headers too, even those the body parser answers.
  expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  return body;
}

/** A raw request: the API client would not send malformed JSON or a body it cannot encode. */
async function rawPost(path: string, body: string, token: string, key: string | null) {
  const response = await fetch(`${GATEWAY_URL}${path}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${token}`,
      ...(key === null ? {} : { 'idempotency-key': key }),
    },
    body,
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: JSON.parse(text) as unknown };
}

describe('the gateway’s security and validation rules, through the real system', () => {
  let apps: RunningApp[];
  let admin: string;
  const alice = { customerId: '', token: '' };
  const mallory = { customerId: '', token: '' };

  beforeAll(async () => {
    apps = await startSystem({ AUTH_JWT_SECRET: SECRET });
    admin = await api.token('admin');
    for (const customer of [alice, mallory]) {
      customer.customerId = await api.createCustomer(admin, eur(100_000));
      customer.token = await api.token('customer', customer.customerId);
    }
  }, 90_000);

  afterAll(async () => {
    await stopSystem(apps);
  });

  async function ordersOf(customerId: string): Promise<unknown[]> {
    const { status, body } = await api.request<{ items: unknown[] }>(
      'GET',
      `/api/orders?customerId=${customerId}`,
      { token: admin },
    );
    expect(status).toBe(200);
    return body.items;
  }

  describe('authentication and authorization', () => {
    it('answers 401 without a token', async () => {
      expectError(await api.request('GET', '/api/orders'), 401, /bearer token is required/);
    });

    it('answers 401 for a tampered token', async () => {
      const [header, , signature] = mallory.token.split('.') as [string, string, string];
      const claims = { sub: 'x', role: 'admin', exp: Math.floor(Date.now() / 1000) + 600 };
      const forged = `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${signature}`;
      expectError(await api.request('GET', '/api/sagas', { token: forged }), 401, /Invalid token/);
    });

    it('answers 401 for an expired token', async () => {
      const now = Math.floor(Date.now() / 1000);
      const expired = await new SignJWT({ role: 'admin' })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject('dev-admin')
        .setIssuer('sagaflow-gateway-dev')
        .setAudience('sagaflow')
        .setIssuedAt(now - 7200)
        .setExpirationTime(now - 3600)
        .sign(new TextEncoder().encode(SECRET));
      expectError(await api.request('GET', '/api/sagas', { token: expired }), 401, /expired/);
    });

    it('answers 403 when a customer calls an admin route', async () => {
      expectError(
        await api.request('GET', '/api/sagas', { token: mallory.token }),
        403,
        /admin callers only/,
      );
      const name = `Mallory ${randomUUID()}`;
      expectError(
        await api.request('POST', '/api/customers', {
          token: mallory.token,
          body: { name, creditLimit: eur(1) },
        }),
        403,
        /admin callers only/,
      );
    });

    it("answers 404 to a customer reading another customer's order or saga", async () => {
      const placed = await api.placeOrder(alice.token, eur(100), 'tok_approve');
      expect(placed.status).toBe(202);
      const { orderId, sagaId } = placed.body;
      await api.settledSaga(alice.token, sagaId);
      expectError(
        await api.request('GET', `/api/orders/${orderId}`, { token: mallory.token }),
        404,
        /not found|does not exist/,
      );
      expectError(
        await api.request('GET', `/api/sagas/${sagaId}`, { token: mallory.token }),
        404,
        /not found|does not exist/,
      );
      expectError(
        await api.request('GET', `/api/sagas/${sagaId}/events`, { token: mallory.token }),
        404,
        /not found|does not exist/,
      );
      const own = await api.request('GET', `/api/orders/${orderId}`, { token: alice.token });
      expect(own.status).toBe(200);
    });

    it('answers 401 to a request that goes around the gateway, at every service', async () => {
      const otherSecret = await signDevToken('a-secret-the-services-do-not-share-with-us', {
        role: 'admin',
      });
      const routes = {
        order: `/orders?customerId=${alice.customerId}`,
        credit: `/customers/${alice.customerId}/credit`,
        payment: `/payments?orderId=${randomUUID()}`,
        'saga-orchestrator': '/sagas',
      };
      for (const [name, path] of Object.entries(routes)) {
        const service = new ApiClient(`http://127.0.0.1:${portOf(name)}`);
        for (const token of [undefined, otherSecret]) {
          const refused = await service.request('GET', path, { token });
          expect({ name, token, status: refused.status }).toEqual({ name, token, status: 401 });
        }
      }
      // The token the gateway accepted is accepted behind it too, with the same rules.
      const credit = new ApiClient(`http://127.0.0.1:${portOf('credit')}`);
      const own = await credit.request('GET', routes.credit, { token: alice.token });
      expect(own.status).toBe(200);
      const theirs = await credit.request('GET', routes.credit, { token: mallory.token });
      expect(theirs.status).toBe(404);
    });

    it('starts no saga for an order sent straight to the orchestrator without a token', async () => {
      const orchestrator = new ApiClient(`http://127.0.0.1:${portOf('saga-orchestrator')}`);
      const idempotencyKey = randomUUID();
      const body = {
        customerId: alice.customerId,
        total: eur(100),
        paymentToken: 'tok_approve',
        idempotencyKey,
      };
      const before = (await ordersOf(alice.customerId)).length;
      expect((await orchestrator.request('POST', '/sagas/place-order', { body })).status).toBe(401);
      expect(await ordersOf(alice.customerId)).toHaveLength(before);
    });
  });

  describe('validation', () => {
    const buyer = { customerId: '', token: '' };

    beforeAll(async () => {
      buyer.customerId = await api.createCustomer(admin, eur(100_000));
      buyer.token = await api.token('customer', buyer.customerId);
    });

    const post = (body: string, key: string | null = randomUUID()) =>
      rawPost('/api/orders', body, buyer.token, key);
    const order = (total: unknown, extra: object = {}) =>
      JSON.stringify({ total, paymentToken: 'tok_approve', ...extra });

    it('answers 400 for malformed JSON', async () => {
      expectError(await post('{"total": {'), 400, /./);
    });

    it.each([
      ['a string amount', { amount: '100', currency: 'EUR' }, 'total.amount'],
      ['a negative amount', { amount: -100, currency: 'EUR' }, 'total.amount'],
      ['a fractional amount', { amount: 12.5, currency: 'EUR' }, 'total.amount'],
      ['a currency that is not ISO 4217', { amount: 100, currency: 'euro' }, 'total.currency'],
      ['no total at all', undefined, 'total'],
    ])('answers 400 naming the field for %s', async (_case, total, field) => {
      const body = expectError(
        await post(order(total)),
        400,
        new RegExp(`Invalid order: ${field}`),
      );
      expect(body.details).toEqual([{ field, message: expect.any(String) }]);
    });

    it('answers 400 naming every unknown field', async () => {
      const body = expectError(
        await post(order({ ...eur(100), rate: 1 }, { discount: 50 })),
        400,
        /Invalid order/,
      );
      expect(body.details).toEqual([
        { field: 'total.rate', message: 'is not allowed' },
        { field: 'discount', message: 'is not allowed' },
      ]);
    });

    it('answers 400 when the Idempotency-Key header is missing', async () => {
      const body = expectError(await post(order(eur(100)), null), 400, /Idempotency-Key/);
      expect(body.details).toEqual([{ field: 'Idempotency-Key', message: expect.any(String) }]);
    });

    it('answers 413 for a 2 MB body', async () => {
      const huge = order(eur(100), { paymentToken: 'x'.repeat(2 * 1024 * 1024) });
      expectError(await post(huge), 413, /too large/i);
    });

    it('created no order for any refused request, and keeps serving', async () => {
      expect((await fetch(`${GATEWAY_URL}/health/ready`)).status).toBe(200);
      const placed = await api.placeOrder(buyer.token, eur(100), 'tok_approve');
      expect(placed.status).toBe(202);
      // Orders are created by the saga: once this one has settled, only it is there.
      expect((await api.settledSaga(buyer.token, placed.body.sagaId)).status).toBe('COMPLETED');
      const orders = await ordersOf(buyer.customerId);
      expect(orders).toEqual([expect.objectContaining({ id: placed.body.orderId })]);
    });
  });

  describe('operations', () => {
    it('serves the OpenAPI document at /docs-json and Swagger UI at /docs, open', async () => {
      const document = await fetch(`${GATEWAY_URL}/docs-json`);
      expect(document.status).toBe(200);
      const { openapi, paths } = (await document.json()) as { openapi: string; paths: object };
      expect(openapi).toMatch(/^3\./);
      expect(Object.keys(paths)).toEqual(expect.arrayContaining(['/api/orders', '/metrics']));
      const ui = await fetch(`${GATEWAY_URL}/docs`);
      expect(ui.status).toBe(200);
      expect(await ui.text()).toContain('swagger-ui');
    });

    it('counts requests in /metrics by route pattern and status, never by raw URL', async () => {
      const id = randomUUID();
      await api.request('GET', `/api/orders/${id}`, { token: admin });
      const metrics = await (await fetch(`${GATEWAY_URL}/metrics`)).text();
      expect(metrics).toMatch(
        /http_request_duration_seconds_count\{method="GET",route="\/api\/orders\/:id",status_code="404"\} \d+/,
      );
      expect(metrics).toMatch(/http_request_duration_seconds_count\{[^}]*status_code="413"\}/);
      expect(metrics).toContain('process_cpu_user_seconds_total');
      expect(metrics).not.toContain(id);
    });
  });
});

describe('rate limits', () => {
  const gatewayApp = SYSTEM.find((app) => app.name === 'gateway')!;
  let gateway: RunningApp;

  beforeAll(async () => {
    gateway = launchApp(
      'gateway',
      envFor({ ...gatewayApp, port: 4120 }, { RATE_LIMIT_PER_MINUTE: '5' }),
    );
    await waitForStatus(`${gateway.url}/health/live`, 200, 30_000);
  }, 40_000);

  afterAll(async () => {
    await stopApp(gateway);
  });

  it('answers 429 in the error shape past the limit, and leaves the probes alone', async () => {
    const limited = new ApiClient(gateway.url);
    const statuses: number[] = [];
    for (let i = 0; i < 5; i += 1)
      statuses.push((await limited.request('GET', '/api/orders')).status);
    expect(statuses).toEqual([401, 401, 401, 401, 401]);
    const refused = await limited.request('GET', '/api/orders');
    expectError(refused, 429, /Too many requests/);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await fetch(`${gateway.url}/health/live`)).status).toBe(200);
    expect((await fetch(`${gateway.url}/metrics`)).status).toBe(200);
  });

  it('limits the API docs per caller too, beside the API’s budget, with 429 in the error shape', async () => {
    const limited = new ApiClient(gateway.url);
    const statuses: number[] = [];
    for (let i = 0; i < 5; i += 1)
      statuses.push((await limited.request('GET', '/docs-json')).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200]);
    for (const path of ['/docs-json', '/docs', '/docs/']) {
      const refused = await limited.request('GET', path);
      expectError(refused, 429, /Too many requests/);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    }
    expect((await fetch(`${gateway.url}/health/live`)).status).toBe(200);
  });
});

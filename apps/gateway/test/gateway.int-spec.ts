import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { ReadableStream as WebStream } from 'node:stream/web';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { NestFactory } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { decodeJwt, SignJWT } from 'jose';
import { DEV_TOKEN_AUDIENCE, DEV_TOKEN_ISSUER } from '@app/identity';
import { configureHttp, httpPlatform } from '@app/runtime';
import { loadGatewayConfig } from '../src/gateway.config.js';
import { gatewayHttpPlatform, prepareGatewayHttp } from '../src/gateway-http.js';
import { GatewayModule } from '../src/gateway.module.js';
import { answer, FakeUpstream } from './fake-upstream.js';
import { eventually } from '../../../test/support/eventually.js';

const SECRET = 'it-gateway-secret-of-at-least-32-characters';
const CONSOLE_ORIGIN = 'https://console.example';
const alice = randomUUID();
const bob = randomUUID();
const aliceOrder = randomUUID();
const bobOrder = randomUUID();
const aliceSaga = randomUUID();

const order = new FakeUpstream();
const credit = new FakeUpstream();
const payment = new FakeUpstream();
const orchestrator = new FakeUpstream();

/**
 * Boots the gateway the way main.ts does (its HTTP server, then headers, CORS, metrics and docs
 * before the body parser, JSON up to BODY_LIMIT), without the rate limits, which the system suite
 * checks.
 */
async function startGateway(env: Record<string, string>) {
  const config = loadGatewayConfig({
    LOG_LEVEL: 'silent',
    AUTH_JWT_SECRET: SECRET,
    UPSTREAM_TIMEOUT_MS: '400',
    SHUTDOWN_GRACE_MS: '0',
    CORS_ORIGINS: CONSOLE_ORIGIN,
    ...env,
  });
  const app = await NestFactory.create<NestFastifyApplication>(
    GatewayModule.register(config),
    httpPlatform(gatewayHttpPlatform(config)),
    { logger: false },
  );
  configureHttp(app);
  prepareGatewayHttp(app, config);
  await app.listen(0, '127.0.0.1');
  return { app, url: (await app.getUrl()).replace('[::1]', '127.0.0.1') };
}

let app: NestFastifyApplication;
let gateway: string;
let adminToken: string;
let aliceToken: string;

async function devToken(body: unknown): Promise<string> {
  const response = await fetch(`${gateway}/api/auth/dev-token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as { accessToken: string }).accessToken;
}

function call(path: string, init: RequestInit & { token?: string } = {}): Promise<Response> {
  const { token, headers, ...rest } = init;
  return fetch(`${gateway}${path}`, {
    ...rest,
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(headers as Record<string, string> | undefined),
    },
  });
}

function placeOrder(body: unknown, token = aliceToken, key: string | null = randomUUID()) {
  return call('/api/orders', {
    method: 'POST',
    token,
    headers: key === null ? {} : { 'idempotency-key': key },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

/** Every error: the one shape, its status, and the request id the response header also carries. */
async function expectError(response: Response, status: number): Promise<Record<string, unknown>> {
  const body = (await response.json()) as Record<string, unknown>;
  expect(response.status).toBe(status);
  expect(body).toMatchObject({
    statusCode: status,
    error: expect.any(String),
    message: expect.any(String),
  });
  expect(body.requestId).toEqual(expect.any(String));
  expect(response.headers.get('x-request-id')).toBe(body.requestId);
  expect(Object.keys(body).sort()).toEqual(
    [
      'statusCode',
      'error',
      'message',
      'requestId',
      ...('details' in body ? ['details'] : []),
    ].sort(),
  );
  expect(JSON.stringify(body)).not.toMatch(/\bat .+\(.+:\d+:\d+\)/);
  return body;
}

function anOrder(id: string, customerId: string) {
  const now = new Date().toISOString();
  return {
    id,
    customerId,
    total: { amount: 1250, currency: 'EUR' },
    status: 'PENDING',
    createdAt: now,
    updatedAt: now,
  };
}

const sseClients: ServerResponse[] = [];

beforeAll(async () => {
  const [orderUrl, creditUrl, paymentUrl, orchestratorUrl] = await Promise.all(
    [order, credit, payment, orchestrator].map((fake) => fake.start()),
  );
  ({ app, url: gateway } = await startGateway({
    ORDER_URL: orderUrl,
    CREDIT_URL: creditUrl,
    PAYMENT_URL: paymentUrl,
    SAGA_ORCHESTRATOR_URL: orchestratorUrl,
  }));
  adminToken = await devToken({ role: 'admin' });
  aliceToken = await devToken({ role: 'customer', customerId: alice });
});

afterAll(async () => {
  await app?.close();
  await Promise.all([order, credit, payment, orchestrator].map((fake) => fake.stop()));
});

beforeEach(() => {
  order.reset((request, response) => {
    if (request.url === `/orders/${aliceOrder}`)
      return answer(response, 200, anOrder(aliceOrder, alice));
    if (request.url === `/orders/${bobOrder}`) return answer(response, 200, anOrder(bobOrder, bob));
    if (request.url.startsWith('/orders?'))
      return answer(response, 200, { items: [], nextCursor: null });
    answer(response, 404, { statusCode: 404, error: 'Not Found', message: 'Order not found' });
  });
  orchestrator.reset((request, response) => {
    if (request.method === 'POST' && request.url === '/sagas/place-order') {
      return answer(response, 202, { orderId: aliceOrder, sagaId: aliceSaga, status: 'PENDING' });
    }
    if (request.url === `/sagas/${aliceSaga}`) {
      return answer(response, 200, {
        id: aliceSaga,
        type: 'place-order',
        customerId: alice,
        steps: [],
      });
    }
    if (request.url === `/sagas/${aliceSaga}/events`) {
      // As the orchestrator does: the caller's own token (passed on) decides who sees the saga.
      const caller = decodeJwt(String(request.headers.authorization).replace(/^Bearer /, ''));
      if (caller.role === 'customer' && caller.customerId !== alice) {
        return answer(response, 404, { statusCode: 404, error: 'Not Found', message: 'Not found' });
      }
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      response.write('event: transition\ndata: {"n":1}\n\n');
      sseClients.push(response);
      return;
    }
    answer(response, 404, { statusCode: 404, error: 'Not Found', message: 'Saga not found' });
  });
  credit.reset((request, response) =>
    answer(response, 201, { id: randomUUID(), ...JSON.parse(request.body || '{}') }),
  );
});

describe('authentication', () => {
  it('answers 401 without a token', async () => {
    await expectError(await call(`/api/orders/${aliceOrder}`), 401);
  });

  it('answers 401 for a tampered token', async () => {
    const [header, , signature] = aliceToken.split('.') as [string, string, string];
    const forged = Buffer.from(
      JSON.stringify({ sub: 'x', role: 'admin', exp: 9_999_999_999 }),
    ).toString('base64url');
    await expectError(await call('/api/sagas', { token: `${header}.${forged}.${signature}` }), 401);
  });

  it('answers 401 for an expired token', async () => {
    const expired = await new SignJWT({ role: 'admin' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('dev-admin')
      .setIssuer(DEV_TOKEN_ISSUER)
      .setAudience(DEV_TOKEN_AUDIENCE)
      .setIssuedAt(Math.floor(Date.now() / 1000) - 7200)
      .setExpirationTime(Math.floor(Date.now() / 1000) - 3600)
      .sign(new TextEncoder().encode(SECRET));
    const body = await expectError(await call('/api/sagas', { token: expired }), 401);
    expect(body.message).toBe('Token expired');
  });

  it('answers 403 when a customer calls an admin route', async () => {
    const response = await call('/api/customers', {
      method: 'POST',
      token: aliceToken,
      body: JSON.stringify({ name: 'Mallory', creditLimit: { amount: 100, currency: 'EUR' } }),
    });
    await expectError(response, 403);
    expect(credit.requests).toHaveLength(0);
  });

  it('leaves the probes open', async () => {
    expect((await fetch(`${gateway}/health/live`)).status).toBe(200);
  });

  it('refuses a dev token for a customer without a customer id', async () => {
    const response = await call('/api/auth/dev-token', {
      method: 'POST',
      body: '{"role":"customer"}',
    });
    const body = await expectError(response, 400);
    expect(body.details).toEqual([{ field: 'customerId', message: 'is required for a customer' }]);
  });
});

describe('orders', () => {
  it("answers 404 for another customer's order and shows a customer its own", async () => {
    await expectError(await call(`/api/orders/${bobOrder}`, { token: aliceToken }), 404);
    const own = await call(`/api/orders/${aliceOrder}`, { token: aliceToken });
    expect(own.status).toBe(200);
    expect(await own.json()).toMatchObject({ id: aliceOrder, customerId: alice });
  });

  it('lets an admin read any order', async () => {
    const response = await call(`/api/orders/${bobOrder}`, { token: adminToken });
    expect(response.status).toBe(200);
  });

  it('places an order for the customer of the token, passing the idempotency key on', async () => {
    const key = randomUUID();
    const response = await placeOrder(
      { total: { amount: 1250, currency: 'EUR' }, paymentToken: 'tok_approve' },
      aliceToken,
      key,
    );
    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({
      orderId: aliceOrder,
      sagaId: aliceSaga,
      status: 'PENDING',
    });
    const forwarded = orchestrator.last();
    expect(JSON.parse(forwarded.body)).toEqual({
      customerId: alice,
      total: { amount: 1250, currency: 'EUR' },
      paymentToken: 'tok_approve',
      idempotencyKey: key,
    });
    expect(forwarded.headers['idempotency-key']).toBe(key);
  });

  it('lets an admin place an order for a named customer', async () => {
    const response = await placeOrder(
      { total: { amount: 5, currency: 'USD' }, paymentToken: 'tok_approve', customerId: bob },
      adminToken,
    );
    expect(response.status).toBe(202);
    expect(JSON.parse(orchestrator.last().body)).toMatchObject({ customerId: bob });
  });

  it('answers 400 for an Idempotency-Key outside letters, digits and . _ : -', async () => {
    for (const key of ['a b', '../../etc', 'é', '<script>', 'k'.repeat(201)]) {
      const response = await placeOrder(
        { total: { amount: 1, currency: 'EUR' }, paymentToken: 'tok_approve' },
        aliceToken,
        key,
      );
      await expectError(response, 400);
    }
  });

  it('answers 400 when the Idempotency-Key header is missing', async () => {
    const response = await placeOrder(
      { total: { amount: 1, currency: 'EUR' }, paymentToken: 't' },
      aliceToken,
      null,
    );
    const body = await expectError(response, 400);
    expect(body.details).toEqual([{ field: 'Idempotency-Key', message: expect.any(String) }]);
    expect(orchestrator.requests).toHaveLength(0);
  });

  it('answers 400 for malformed JSON', async () => {
    await expectError(await placeOrder('{"total": {'), 400);
  });

  it('answers 400 listing an unknown field', async () => {
    const response = await placeOrder({
      total: { amount: 1, currency: 'EUR' },
      paymentToken: 't',
      discount: 50,
    });
    const body = await expectError(response, 400);
    expect(body.details).toEqual([{ field: 'discount', message: 'is not allowed' }]);
  });

  it.each([
    ['negative', -100],
    ['zero', 0],
    ['fractional', 12.5],
  ])('answers 400 for a %s total', async (_kind, amount) => {
    const response = await placeOrder({ total: { amount, currency: 'EUR' }, paymentToken: 't' });
    const body = await expectError(response, 400);
    expect(body.details).toEqual([{ field: 'total.amount', message: expect.any(String) }]);
  });

  it('answers 400 for an order id that is not a UUID', async () => {
    await expectError(await call('/api/orders/42', { token: aliceToken }), 400);
  });

  it('answers 413 for a body over the limit', async () => {
    const response = await placeOrder({
      total: { amount: 1, currency: 'EUR' },
      paymentToken: 'x'.repeat(2 * 1024 * 1024),
    });
    await expectError(response, 413);
    // Headers and CORS come before the body parser, so its refusals carry them too.
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(orchestrator.requests).toHaveLength(0);
  });

  it("lists only the customer's own orders", async () => {
    const response = await call('/api/orders?limit=5', { token: aliceToken });
    expect(response.status).toBe(200);
    expect(order.last().url).toBe(`/orders?limit=5&customerId=${alice}`);
  });

  it('passes an upstream refusal on in the same shape', async () => {
    orchestrator.reset((_request, response) =>
      answer(response, 422, {
        statusCode: 422,
        error: 'Unprocessable Entity',
        message: 'Idempotency-Key reused with a different body',
      }),
    );
    const body = await expectError(
      await placeOrder({ total: { amount: 1, currency: 'EUR' }, paymentToken: 't' }),
      422,
    );
    expect(body.message).toBe('Idempotency-Key reused with a different body');
  });
});

describe('upstream calls', () => {
  it('forwards the request id, the trace context and the token', async () => {
    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    const response = await call(`/api/orders/${aliceOrder}`, {
      token: aliceToken,
      headers: { 'x-request-id': 'it-request-1', traceparent },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-request-id')).toBe('it-request-1');
    expect(order.last().headers).toMatchObject({
      'x-request-id': 'it-request-1',
      traceparent,
      authorization: `Bearer ${aliceToken}`,
    });
  });

  it('starts a trace when the caller sent none', async () => {
    await call(`/api/orders/${aliceOrder}`, { token: aliceToken });
    expect(order.last().headers.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
  });

  it('answers 503 when the service is unreachable', async () => {
    order.reset((_request, _response, raw) => raw.socket.destroy());
    await expectError(await call(`/api/orders/${aliceOrder}`, { token: aliceToken }), 503);
  });

  it('answers 504 when the service is too slow', async () => {
    order.reset((_request, response) => {
      // The fault: the service answers a second late, past the route timeout.
      setTimeout(() => answer(response, 200, anOrder(aliceOrder, alice)), 1000).unref();
    });
    await expectError(await call(`/api/orders/${aliceOrder}`, { token: aliceToken }), 504);
  });

  it('answers 502 without the service’s words when it fails', async () => {
    order.reset((_request, response) =>
      answer(response, 500, { message: 'relation "orders" does not exist' }),
    );
    const body = await expectError(
      await call(`/api/orders/${aliceOrder}`, { token: aliceToken }),
      502,
    );
    expect(body.message).not.toContain('relation');
  });
});

describe('saga events', () => {
  it('streams events as they come and hangs up on the service when the client leaves', async () => {
    const abort = new AbortController();
    const response = await call(`/api/sagas/${aliceSaga}/events`, {
      token: aliceToken,
      signal: abort.signal,
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(response.headers.get('cache-control')).toBe('no-cache');
    const reader = (response.body as unknown as WebStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    let received = '';
    const readUntil = async (text: string) => {
      while (!received.includes(text)) {
        const { value, done } = await reader.read();
        if (done) throw new Error(`stream ended before ${text}`);
        received += decoder.decode(value, { stream: true });
      }
    };
    await readUntil('{"n":1}');
    const upstream = sseClients.at(-1)!;
    upstream.write('event: transition\ndata: {"n":2}\n\n');
    await readUntil('{"n":2}');
    const closed = new Promise<void>((resolve) => upstream.once('close', () => resolve()));
    abort.abort();
    await closed;
  });

  it('refuses a caller’s streams beyond its few with 429, asking the orchestrator nothing', async () => {
    const aborts = Array.from({ length: 5 }, () => new AbortController());
    try {
      for (const abort of aborts) {
        const open = await call(`/api/sagas/${aliceSaga}/events`, {
          token: aliceToken,
          signal: abort.signal,
        });
        expect(open.status).toBe(200);
      }
      const asked = orchestrator.requests.length;
      await expectError(await call(`/api/sagas/${aliceSaga}/events`, { token: aliceToken }), 429);
      expect(orchestrator.requests.length).toBe(asked);
    } finally {
      for (const abort of aborts) abort.abort();
    }
    // Closed streams give their slots back.
    await eventually(
      async () => {
        const abort = new AbortController();
        const again = await call(`/api/sagas/${aliceSaga}/events`, {
          token: aliceToken,
          signal: abort.signal,
        });
        abort.abort();
        return again.status === 200;
      },
      { timeoutMs: 5000, what: 'a stream slot is free again' },
    );
  });

  it("answers 404 for another customer's saga events, as the orchestrator judged with its token", async () => {
    const bobToken = await devToken({ role: 'customer', customerId: bob });
    await expectError(await call(`/api/sagas/${aliceSaga}/events`, { token: bobToken }), 404);
    // One request, the stream itself, under bob's own token: no read of the saga before it.
    expect(orchestrator.requests.map((request) => request.url)).toEqual([
      `/sagas/${aliceSaga}/events`,
    ]);
    expect(orchestrator.requests[0].headers.authorization).toBe(`Bearer ${bobToken}`);
  });
});

describe('dead letters', () => {
  const deadLetter = {
    id: randomUUID(),
    queue: 'payment.commands',
    messageId: randomUUID(),
    type: 'payment.charge-payment',
    sagaId: aliceSaga,
    reason: 'PaymentController.charge failed: provider unavailable',
    deadLetteredAt: new Date().toISOString(),
    ageSeconds: 42,
    status: 'PENDING',
    resolvedAt: null,
    replayable: true,
  };

  beforeEach(() => {
    orchestrator.reset((request, response) => {
      if (request.method === 'GET' && request.url.startsWith('/dead-letters')) {
        return answer(response, 200, { items: [deadLetter], nextCursor: null });
      }
      if (request.url === `/dead-letters/${deadLetter.id}/replay`) {
        return answer(response, 202, { ...deadLetter, status: 'REPLAYED' });
      }
      answer(response, 409, {
        statusCode: 409,
        error: 'Conflict',
        message: `Dead letter ${deadLetter.id} was already replayed`,
        code: 'dead-letter.already-resolved',
      });
    });
  });

  it('lists them for an admin, by queue, with reason, type, saga and age', async () => {
    const response = await call('/api/dead-letters?queue=payment.commands&limit=10', {
      token: adminToken,
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ items: [deadLetter], nextCursor: null });
    expect(orchestrator.last().url).toBe('/dead-letters?queue=payment.commands&limit=10');
  });

  it('answers 401 without a token and 403 to a customer, asking nobody', async () => {
    await expectError(await call('/api/dead-letters'), 401);
    await expectError(await call('/api/dead-letters', { token: aliceToken }), 403);
    const replay = await call(`/api/dead-letters/${deadLetter.id}/replay`, {
      method: 'POST',
      token: aliceToken,
    });
    await expectError(replay, 403);
    expect(orchestrator.requests).toHaveLength(0);
  });

  it('replays and discards through the orchestrator, its refusals in the one error shape', async () => {
    const replay = await call(`/api/dead-letters/${deadLetter.id}/replay`, {
      method: 'POST',
      token: adminToken,
    });
    expect(replay.status).toBe(202);
    expect(await replay.json()).toMatchObject({ id: deadLetter.id, status: 'REPLAYED' });
    const discard = await call(`/api/dead-letters/${deadLetter.id}/discard`, {
      method: 'POST',
      token: adminToken,
    });
    const body = await expectError(discard, 409);
    expect(body.message).toBe(`Dead letter ${deadLetter.id} was already replayed`);
    expect(orchestrator.requests.map((request) => `${request.method} ${request.url}`)).toEqual([
      `POST /dead-letters/${deadLetter.id}/replay`,
      `POST /dead-letters/${deadLetter.id}/discard`,
    ]);
  });

  it('answers 400 for a bad id, status or parameter', async () => {
    const badId = await call('/api/dead-letters/42/replay', { method: 'POST', token: adminToken });
    expect((await expectError(badId, 400)).details).toEqual([
      { field: 'id', message: 'must be a UUID' },
    ]);
    await expectError(await call('/api/dead-letters?status=GONE', { token: adminToken }), 400);
    await expectError(await call('/api/dead-letters?sagaId=x', { token: adminToken }), 400);
    expect(orchestrator.requests).toHaveLength(0);
  });
});

describe('bulk saga repair', () => {
  const preview = { action: 'retry', dryRun: true, sagas: [], truncated: false };

  beforeEach(() => {
    orchestrator.reset((request, response) => {
      const { dryRun } = JSON.parse(request.body) as { dryRun: boolean };
      answer(response, dryRun ? 200 : 202, { ...preview, dryRun });
    });
  });

  it('passes the filter to the orchestrator and answers with its status: 200 dry, 202 applied', async () => {
    const body = { action: 'retry', filter: { status: 'FAILED', step: 'reserve credit' } };
    const dry = await call('/api/sagas/bulk-actions', {
      method: 'POST',
      token: adminToken,
      body: JSON.stringify({ ...body, dryRun: true }),
    });
    expect(dry.status).toBe(200);
    expect(await dry.json()).toEqual(preview);
    const applied = await call('/api/sagas/bulk-actions', {
      method: 'POST',
      token: adminToken,
      body: JSON.stringify({ ...body, dryRun: false }),
    });
    expect(applied.status).toBe(202);
    expect(orchestrator.requests.map((request) => JSON.parse(request.body) as unknown)).toEqual([
      { ...body, dryRun: true },
      { ...body, dryRun: false },
    ]);
  });

  it('answers 400 for an empty filter or a missing dryRun and 403 to a customer, asking nobody', async () => {
    const post = (body: unknown, token = adminToken) =>
      call('/api/sagas/bulk-actions', { method: 'POST', token, body: JSON.stringify(body) });
    await expectError(await post({ action: 'retry', filter: {}, dryRun: true }), 400);
    await expectError(await post({ action: 'retry', filter: { status: 'FAILED' } }), 400);
    await expectError(
      await post({ action: 'retry', filter: { status: 'FAILED' }, dryRun: true }, aliceToken),
      403,
    );
    expect(orchestrator.requests).toHaveLength(0);
  });
});

describe('browser protections', () => {
  it('sends security headers and allows only the configured origin', async () => {
    const allowed = await call('/health/live', { headers: { origin: CONSOLE_ORIGIN } });
    expect(allowed.headers.get('x-content-type-options')).toBe('nosniff');
    expect(allowed.headers.get('x-powered-by')).toBeNull();
    expect(allowed.headers.get('access-control-allow-origin')).toBe(CONSOLE_ORIGIN);
    const other = await call('/health/live', { headers: { origin: 'https://evil.example' } });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('answers a preflight from an allowed origin', async () => {
    const response = await fetch(`${gateway}/api/orders`, {
      method: 'OPTIONS',
      headers: { origin: CONSOLE_ORIGIN, 'access-control-request-method': 'POST' },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-headers')).toContain('idempotency-key');
  });
});

describe('without dev tokens', () => {
  it('has no dev-token route', async () => {
    // With dev tokens off, an OIDC issuer is the only way in; its keys are never fetched here.
    const { app: locked, url } = await startGateway({
      AUTH_DEV_TOKENS: 'false',
      AUTH_ISSUER: 'https://id.example',
      AUTH_AUDIENCE: 'sagaflow-api',
      AUTH_JWKS_URL: 'http://127.0.0.1:9/jwks',
    });
    try {
      const response = await fetch(`${url}/api/auth/dev-token`, {
        method: 'POST',
        body: '{"role":"admin"}',
        headers: { 'content-type': 'application/json' },
      });
      await expectError(response, 404);
    } finally {
      await locked.close();
    }
  });
});

describe('self-registration', () => {
  const CREDIT_TOKEN = 'credit-registration-token-0001';
  const ORDER_TOKEN = 'order-registration-token-00001';
  let registry: NestFastifyApplication;
  let registryUrl: string;

  beforeAll(async () => {
    ({ app: registry, url: registryUrl } = await startGateway({
      DISCOVERY_PROVIDER: 'self-registration',
      DISCOVERY_REGISTRATION_TOKENS: `credit:${CREDIT_TOKEN},order:${ORDER_TOKEN}`,
      DISCOVERY_REGISTRATION_ALLOWED_URLS: 'credit=127.0.0.1:*,order=10.*.*.*:3002',
      DISCOVERY_MAX_INSTANCES_PER_SERVICE: '2',
    }));
  });

  afterAll(async () => {
    await registry?.close();
  });

  function register(token: string, instance: Record<string, unknown>): Promise<Response> {
    return fetch(`${registryUrl}/internal/registry/instances`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ leaseTtlMs: 60_000, ...instance }),
    });
  }

  function deregister(token: string, id: string): Promise<Response> {
    return fetch(`${registryUrl}/internal/registry/instances/${id}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${token}` },
    });
  }

  it('has no default credential: the once-public local token is refused', async () => {
    const response = await register('sagaflow-local-registration-token', {
      id: 'credit-default',
      service: 'credit',
      url: 'http://127.0.0.1:4901',
    });
    await expectError(response, 401);
  });

  it('lets a credential register its own service only', async () => {
    const hijack = await register(CREDIT_TOKEN, {
      id: 'order-hijack',
      service: 'order',
      url: 'http://10.0.0.9:3002',
    });
    await expectError(hijack, 403);
    const own = await register(CREDIT_TOKEN, {
      id: 'credit-own',
      service: 'credit',
      url: 'http://127.0.0.1:4902',
    });
    expect(own.status).toBe(200);
    await deregister(CREDIT_TOKEN, 'credit-own');
  });

  it('refuses an address outside the allow-list (cloud metadata, another port, a path)', async () => {
    for (const url of [
      'http://169.254.169.254',
      'http://10.0.0.9:8080',
      'http://10.0.0.9:3002/admin',
      'http://user:pw@10.0.0.9:3002',
    ]) {
      await expectError(await register(ORDER_TOKEN, { id: 'order-x', service: 'order', url }), 403);
    }
  });

  it('lets only the registering service replace or deregister its instance', async () => {
    const id = 'credit-owned';
    expect(
      (await register(CREDIT_TOKEN, { id, service: 'credit', url: 'http://127.0.0.1:4903' }))
        .status,
    ).toBe(200);
    await expectError(
      await register(ORDER_TOKEN, { id, service: 'order', url: 'http://10.0.0.9:3002' }),
      403,
    );
    await expectError(await deregister(ORDER_TOKEN, id), 403);
    expect((await deregister(CREDIT_TOKEN, id)).status).toBe(204);
  });

  it('caps the instances of one service', async () => {
    const ids = ['credit-cap-1', 'credit-cap-2'];
    for (const [index, id] of ids.entries()) {
      const url = `http://127.0.0.1:${4910 + index}`;
      expect((await register(CREDIT_TOKEN, { id, service: 'credit', url })).status).toBe(200);
    }
    await expectError(
      await register(CREDIT_TOKEN, {
        id: 'credit-cap-3',
        service: 'credit',
        url: 'http://127.0.0.1:4912',
      }),
      429,
    );
    // A known instance still renews its lease at the cap.
    expect(
      (
        await register(CREDIT_TOKEN, {
          id: ids[0],
          service: 'credit',
          url: 'http://127.0.0.1:4910',
        })
      ).status,
    ).toBe(200);
    for (const id of ids) await deregister(CREDIT_TOKEN, id);
  });
});

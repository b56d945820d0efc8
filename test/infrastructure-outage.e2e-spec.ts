import { setInterval as everyMs } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { ApiClient, type ApiResponse } from './support/api-client.js';
import { launchApp, stopApp, waitForStatus, type RunningApp } from './support/app-process.js';
import { eventually } from './support/eventually.js';
import { postgres, rabbitmq } from './support/infrastructure.js';
import {
  DATA_OWNERS,
  envFor,
  GATEWAY_URL,
  startSystem,
  stopSystem,
  SYSTEM,
} from './support/system.js';

/** Short, so "back within one check interval" is quick to see; the gateway's default is 5 s. */
const CHECK_INTERVAL_MS = 1000;
const CHECK_TIMEOUT_MS = 1000;
const SYSTEM_ENV = {
  DISCOVERY_HEALTH_INTERVAL_MS: String(CHECK_INTERVAL_MS),
  DISCOVERY_HEALTH_TIMEOUT_MS: String(CHECK_TIMEOUT_MS),
};
const api = new ApiClient(GATEWAY_URL);
const appNamed = (name: string) => SYSTEM.find((app) => app.name === name)!;
const readyUrl = (app: { port: number }) => `http://127.0.0.1:${app.port}/health/ready`;

/**
 * The status a probe gets, waiting as long as a kubelet would tolerate (timeout 5 s): what is
 * checked is that readiness never turns it away, not how fast a loaded CI machine answers.
 */
async function answerOf(url: string): Promise<number> {
  try {
    return (await fetch(url, { signal: AbortSignal.timeout(5000) })).status;
  } catch {
    return 0;
  }
}

const SAMPLE_PERIOD_MS = 50;

/**
 * Asks the gateway for its liveness and readiness every 50 ms while a test runs and keeps every
 * answer that was not 200: the gateway must stay in service at every moment of an outage, not
 * only when a test happens to look.
 */
class GatewayWatch {
  private readonly refusals: string[] = [];
  private running = true;
  private readonly loop: Promise<void>;

  constructor() {
    this.loop = (async () => {
      // A sampling clock (a probe's period), not a wait for something to happen.
      for await (const _tick of everyMs(SAMPLE_PERIOD_MS)) {
        if (!this.running) return;
        for (const probe of ['live', 'ready']) {
          const status = await answerOf(`${GATEWAY_URL}/health/${probe}`);
          if (status !== 200) this.refusals.push(`/health/${probe} ${status}`);
        }
      }
    })();
  }

  async stop(): Promise<string[]> {
    this.running = false;
    await this.loop;
    return this.refusals;
  }
}

/** 503 in the error shape, naming the service, with a Retry-After a client can act on. */
function expectUnavailable(response: ApiResponse<unknown>, service: string): void {
  expect({ status: response.status, body: response.body }).toEqual({
    status: 503,
    body: {
      statusCode: 503,
      error: 'Service Unavailable',
      message: expect.stringContaining(`The ${service} service is unavailable`),
      requestId: expect.any(String),
    },
  });
  expect(Number(response.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
}

describe('one part down does not take the API down', () => {
  let apps: RunningApp[];
  let watch: GatewayWatch | undefined;
  let admin: string;
  let customer: { id: string; token: string };
  let placed: { orderId: string; sagaId: string };

  /** The gateway's own view of a service: how many of its instances are UP. */
  async function upInGateway(service: string): Promise<number> {
    const { status, body } = await api.request<{ service: string; status: string }[]>(
      'GET',
      '/api/registry',
      { token: admin },
    );
    if (status !== 200) return -1;
    return body.filter((i) => i.service === service && i.status === 'UP').length;
  }

  /** Starts the app again if it is not running, and waits until it is ready. */
  async function ensureRunning(name: string): Promise<void> {
    const index = apps.findIndex((app) => app.name === name);
    const { process } = apps[index];
    if (process.exitCode !== null || process.signalCode !== null) {
      apps[index] = launchApp(name, envFor(appNamed(name), SYSTEM_ENV));
    }
    await waitForStatus(readyUrl(appNamed(name)), 200, 60_000);
  }

  async function stop(name: string): Promise<void> {
    await stopApp(apps.find((app) => app.name === name)!);
    await eventually(async () => (await upInGateway(name)) === 0, {
      timeoutMs: 10_000,
      what: `the gateway sees ${name} down`,
    });
  }

  const get = (path: string, token = customer.token) => api.request('GET', path, { token });

  beforeAll(async () => {
    apps = await startSystem(SYSTEM_ENV);
    admin = await api.token('admin');
    const id = await api.createCustomer(admin, { amount: 10_000, currency: 'EUR' });
    customer = { id, token: await api.token('customer', id) };
    const { status, body } = await api.placeOrder(
      customer.token,
      { amount: 1_000, currency: 'EUR' },
      'tok_approve',
    );
    expect(status).toBe(202);
    placed = { orderId: body.orderId, sagaId: body.sagaId };
    expect((await api.settledSaga(customer.token, placed.sagaId)).status).toBe('COMPLETED');
  }, 120_000);

  afterEach(async () => {
    const refusals = (await watch?.stop()) ?? [];
    watch = undefined;
    expect(refusals).toEqual([]);
  });

  afterAll(async () => {
    // Whatever happened above, leave the machine's services running.
    try {
      await postgres.start();
      await rabbitmq.start();
    } finally {
      await stopSystem(apps);
    }
  }, 60_000);

  it('with credit stopped, serves orders and sagas, answers 503 for credit, and takes credit back within one check', async () => {
    watch = new GatewayWatch();
    try {
      await stop('credit');
      expect((await get(`/api/orders/${placed.orderId}`)).status).toBe(200);
      expect((await get(`/api/sagas/${placed.sagaId}`)).status).toBe(200);
      expectUnavailable(await get(`/api/customers/${customer.id}/credit`), 'credit');

      await ensureRunning('credit');
      // Credit is ready: the gateway's next check (one interval, ± 20 %, plus the check itself)
      // must bring its route back; a leftover ejection or an open circuit would hold it out.
      await eventually(
        async () => (await get(`/api/customers/${customer.id}/credit`)).status === 200,
        {
          timeoutMs: CHECK_INTERVAL_MS * 1.2 + CHECK_TIMEOUT_MS + 500,
          what: "credit's route answers 200 within one check interval of credit being ready",
        },
      );
    } finally {
      await ensureRunning('credit');
    }
  }, 90_000);

  it('with payment stopped, answers every public read', async () => {
    watch = new GatewayWatch();
    await stop('payment');
    try {
      const reads = [
        get(`/api/orders/${placed.orderId}`),
        get('/api/orders'),
        get(`/api/sagas/${placed.sagaId}`),
        get(`/api/customers/${customer.id}/credit`),
        get('/api/sagas', admin),
        get('/api/registry', admin),
        api.request('GET', '/docs-json'),
      ];
      expect((await Promise.all(reads)).map((read) => read.status)).toEqual(reads.map(() => 200));
    } finally {
      await ensureRunning('payment');
    }
  }, 90_000);

  it('while PostgreSQL is down: data apps unready, their routes 503, the gateway ready and its own routes 200', async () => {
    watch = new GatewayWatch();
    await postgres.stop();
    try {
      await Promise.all(DATA_OWNERS.map((app) => waitForStatus(readyUrl(app), 503, 10_000)));
      await eventually(async () => (await upInGateway('order')) === 0, {
        what: 'the gateway sees order down',
      });
      expectUnavailable(await get(`/api/orders/${placed.orderId}`), 'order');
      expect((await get('/api/registry', admin)).status).toBe(200);
      expect((await api.request('GET', '/docs-json')).status).toBe(200);
    } finally {
      await postgres.start();
    }
    await Promise.all(DATA_OWNERS.map((app) => waitForStatus(readyUrl(app), 200, 30_000)));
    await eventually(async () => (await get(`/api/orders/${placed.orderId}`)).status === 200, {
      what: 'the order route answers 200 again after PostgreSQL is back',
    });
    expect(apps.every((app) => app.process.exitCode === null)).toBe(true);
  }, 90_000);

  it('while RabbitMQ is down: data apps unready, the gateway ready, and all back once they reconnect', async () => {
    watch = new GatewayWatch();
    await rabbitmq.stop();
    try {
      await Promise.all(DATA_OWNERS.map((app) => waitForStatus(readyUrl(app), 503, 10_000)));
      expect((await api.request('GET', '/docs-json')).status).toBe(200);
    } finally {
      await rabbitmq.start();
    }
    await Promise.all(DATA_OWNERS.map((app) => waitForStatus(readyUrl(app), 200, 30_000)));
    expect(apps.every((app) => app.process.exitCode === null)).toBe(true);
  }, 90_000);
});

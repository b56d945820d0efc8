import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ApiClient } from './support/api-client.js';
import { launchApp, stopApp, waitForStatus, type RunningApp } from './support/app-process.js';
import { CommandClient } from './support/command-client.js';
import { eventuallyValue } from './support/eventually.js';
import { databaseUrlFor } from './support/system.js';

/** Own queues, so nothing here meets another suite's messages. */
const NAMESPACE = 'e2e-disc.';
const TOKEN = 'e2e-discovery-registration-token';
const local = (port: number) => `http://127.0.0.1:${port}`;

interface InstanceView {
  id: string;
  service: string;
  url: string;
  status: string;
  failures: number;
}

function startCredit(port: number, env: Record<string, string> = {}): RunningApp {
  return launchApp('credit', {
    PORT: String(port),
    LOG_FORMAT: 'json',
    AMQP_NAMESPACE: NAMESPACE,
    DATABASE_URL: databaseUrlFor('sagaflow_credit'),
    ...env,
  });
}

function startGateway(port: number, env: Record<string, string>): RunningApp {
  return launchApp('gateway', {
    PORT: String(port),
    LOG_FORMAT: 'json',
    DISCOVERY_HEALTH_INTERVAL_MS: '400',
    DISCOVERY_HEALTH_TIMEOUT_MS: '300',
    // A killed instance may be ejected by failed reads; it must be back soon after it restarts.
    DISCOVERY_EJECTION_BASE_MS: '1000',
    ORDER_URL: local(4299),
    PAYMENT_URL: local(4299),
    SAGA_ORCHESTRATOR_URL: local(4299),
    ...env,
  });
}

async function ready(apps: RunningApp[]): Promise<void> {
  try {
    await Promise.all(apps.map((app) => waitForStatus(`${app.url}/health/ready`, 200, 60_000)));
  } catch (error) {
    const logs = apps.map((app) => `--- ${app.name}\n${app.output().slice(-2000)}`).join('\n');
    throw new Error(`${(error as Error).message}\n${logs}`);
  }
}

/** How many reads of this customer's credit an instance served, from its request log. */
function servedBy(app: RunningApp, customerId: string): number {
  return app.output().split(`/customers/${customerId}/credit`).length - 1;
}

async function registry(api: ApiClient, token: string): Promise<InstanceView[]> {
  const { status, body } = await api.request<InstanceView[]>('GET', '/api/registry', { token });
  expect(status).toBe(200);
  return body.filter((instance) => instance.service === 'credit');
}

/** Polls the registry until `accept` holds, or fails with what it last saw. */
async function registryUntil(
  api: ApiClient,
  token: string,
  accept: (instances: InstanceView[]) => boolean,
  timeoutMs: number,
): Promise<InstanceView[]> {
  return eventuallyValue(() => registry(api, token), accept, {
    timeoutMs,
    intervalMs: 50,
    what: 'the registry shows the credit instances as expected',
  });
}

afterAll(async () => {
  await new CommandClient(NAMESPACE).deleteTopology();
});

describe('static discovery with two credit instances', () => {
  const api = new ApiClient(local(4200));
  let creditA: RunningApp;
  let creditB: RunningApp;
  let gateway: RunningApp;
  let admin: string;
  let customerId: string;

  const readCredit = () =>
    api.request('GET', `/api/customers/${customerId}/credit`, { token: admin });
  const statusOfB = (instances: InstanceView[]) =>
    instances.find((instance) => instance.url === local(4213))?.status;

  beforeAll(async () => {
    creditA = startCredit(4203);
    creditB = startCredit(4213);
    gateway = startGateway(4200, { CREDIT_URL: `${local(4203)},${local(4213)}` });
    await ready([creditA, creditB, gateway]);
    admin = await api.token('admin');
    // The gateway is ready with one healthy instance; the other may need one more check.
    await registryUntil(api, admin, (list) => list.every((i) => i.status === 'UP'), 5000);
    customerId = await api.createCustomer(admin, { amount: 10_000, currency: 'EUR' });
  }, 90_000);

  afterAll(async () => {
    await Promise.all([creditA, creditB, gateway].map((app) => app && stopApp(app)));
  });

  it('spreads reads over both instances and lists both as UP', async () => {
    for (let i = 0; i < 10; i += 1) expect((await readCredit()).status).toBe(200);
    expect(servedBy(creditA, customerId)).toBeGreaterThanOrEqual(4);
    expect(servedBy(creditB, customerId)).toBeGreaterThanOrEqual(4);
    const instances = await registry(api, admin);
    expect(instances.map((instance) => [instance.url, instance.status])).toEqual([
      [local(4203), 'UP'],
      [local(4213), 'UP'],
    ]);
  });

  it('fails no read when an instance is killed, and shows it down within the check interval', async () => {
    creditB.process.kill('SIGKILL');
    await creditB.exited;
    const killedAt = Date.now();
    const statuses: number[] = [];
    for (let i = 0; i < 20; i += 1) statuses.push((await readCredit()).status);
    expect(statuses.filter((status) => status !== 200)).toEqual([]);
    await registryUntil(api, admin, (instances) => statusOfB(instances) !== 'UP', 2000);
    expect(Date.now() - killedAt).toBeLessThan(2000);
  });

  it('sends traffic to the instance again once it is back', async () => {
    creditB = startCredit(4213);
    await ready([creditB]);
    await registryUntil(api, admin, (instances) => statusOfB(instances) === 'UP', 5000);
    for (let i = 0; i < 6; i += 1) expect((await readCredit()).status).toBe(200);
    expect(servedBy(creditB, customerId)).toBeGreaterThanOrEqual(2);
  }, 30_000);
});

describe('self-registration', () => {
  const api = new ApiClient(local(4220));
  const registering = {
    DISCOVERY_PROVIDER: 'self-registration',
    DISCOVERY_REGISTRATION_TOKEN: TOKEN,
    DISCOVERY_REGISTRATION_TOKENS: `credit:${TOKEN}`,
    GATEWAY_REGISTRY_URL: local(4220),
    DISCOVERY_LEASE_TTL_MS: '2000',
    DISCOVERY_RENEW_INTERVAL_MS: '500',
  };
  let gateway: RunningApp;
  let stalled: RunningApp;
  let leaving: RunningApp;
  let admin: string;

  beforeAll(async () => {
    gateway = startGateway(4220, registering);
    stalled = startCredit(4223, registering);
    leaving = startCredit(4233, registering);
    await ready([gateway, stalled, leaving]);
    admin = await api.token('admin');
  }, 90_000);

  afterAll(async () => {
    stalled?.process.kill('SIGCONT');
    await Promise.all([gateway, stalled, leaving].map((app) => app && stopApp(app, 'SIGKILL')));
  });

  it('lists the instances that announced themselves', async () => {
    const instances = await registryUntil(
      api,
      admin,
      (list) => list.length === 2 && list.every((instance) => instance.status === 'UP'),
      2000,
    );
    expect(instances.map((instance) => instance.url).sort()).toEqual([local(4223), local(4233)]);
    expect(instances.every((instance) => instance.id.startsWith('credit-'))).toBe(true);
  });

  it('refuses a registration without the shared token', async () => {
    const { status } = await api.request('POST', '/internal/registry/instances', {
      body: { id: 'intruder', service: 'credit', url: 'http://evil:1', leaseTtlMs: 5000 },
      headers: { authorization: 'Bearer not-the-token-at-all-00000' },
    });
    expect(status).toBe(401);
  });

  it('evicts an instance that stops renewing its lease', async () => {
    stalled.process.kill('SIGSTOP');
    const instances = await registryUntil(
      api,
      admin,
      (list) => !list.some((instance) => instance.url === local(4223)),
      4000,
    );
    expect(instances.map((instance) => instance.url)).toEqual([local(4233)]);
    expect(gateway.output()).toContain('lease expired');
  });

  it('deregisters an instance at once when it shuts down gracefully', async () => {
    leaving.process.kill('SIGTERM');
    // Its lease (2 s, renewed every 0.5 s) has at least 1.5 s left: only deregistration is this quick.
    await registryUntil(api, admin, (list) => list.length === 0, 1000);
    expect(await leaving.exited).toBe(0);
    expect(leaving.output()).toContain('Deregistered');
  });
});

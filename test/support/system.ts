import { launchApp, stopApp, waitForStatus, type RunningApp } from './app-process.js';
import { eventually } from './eventually.js';

const local = (port: number) => `http://127.0.0.1:${port}`;

/**
 * The apps, with ports away from the defaults so a developer's `npm start` can keep running, and
 * timeouts short enough for tests: a payment past its 1.5 s deadline (twice) counts as unknown.
 */
export const SYSTEM = [
  { name: 'order', port: 4102, role: 'sagaflow_order', env: {} },
  { name: 'credit', port: 4103, role: 'sagaflow_credit', env: {} },
  {
    name: 'payment',
    port: 4104,
    role: 'sagaflow_payment',
    env: {
      PAYMENT_SIMULATOR_SLOW_MS: '5000',
      // Scaled to the 1.5 s charge timeout: a settlement a killed instance left is taken over
      // within 1.5 s, and a provider call is given up (and asked again) after 1 s.
      PAYMENT_PROVIDER_TIMEOUT_MS: '1000',
      PAYMENT_SETTLE_LEASE_MS: '1500',
      PAYMENT_SETTLE_INTERVAL_MS: '250',
    },
  },
  {
    name: 'saga-orchestrator',
    port: 4101,
    role: 'sagaflow_orchestrator',
    env: {
      PLACE_ORDER_STEP_TIMEOUT_MS: '3000',
      PLACE_ORDER_PAYMENT_TIMEOUT_MS: '1500',
      PLACE_ORDER_PAYMENT_ATTEMPTS: '2',
      SAGA_RETRY_INITIAL_DELAY_MS: '200',
      SAGA_RETRY_MAX_DELAY_MS: '2000',
      SAGA_DEADLINE_SCAN_INTERVAL_MS: '250',
    },
  },
  {
    name: 'gateway',
    port: 4100,
    env: {
      ORDER_URL: local(4102),
      CREDIT_URL: local(4103),
      PAYMENT_URL: local(4104),
      SAGA_ORCHESTRATOR_URL: local(4101),
      // Every test client calls from 127.0.0.1: one address, far more than one client's share.
      RATE_LIMIT_PER_MINUTE: '1000000',
    },
  },
] as const;

export const GATEWAY_URL = local(4100);

/**
 * Payment has no public route: the suites ask the service itself, as an operator would, with an
 * admin's token (it checks the token like every service behind the gateway).
 */
export async function paymentStatusOf(
  orderId: string,
  adminToken: string,
): Promise<string | undefined> {
  const port = SYSTEM.find((app) => app.name === 'payment')!.port;
  const response = await fetch(`${local(port)}/payments?orderId=${orderId}`, {
    headers: { authorization: `Bearer ${adminToken}` },
  });
  if (response.status === 404) return undefined;
  if (response.status !== 200) throw new Error(`GET /payments answered ${response.status}`);
  return ((await response.json()) as { status: string }).status;
}

export const DATA_OWNERS = SYSTEM.filter((app) => 'role' in app);

export const TEST_DATABASE = 'sagaflow_e2e';

export function databaseUrlFor(role: string): string {
  return `postgres://${role}@127.0.0.1:5432/${TEST_DATABASE}`;
}

export function envFor(
  app: { port: number; role?: string; env?: Record<string, string> },
  extra: Record<string, string> = {},
) {
  return {
    ...app.env,
    PORT: String(app.port),
    LOG_FORMAT: 'json',
    // Own exchanges and queues, so a developer's running system never sees test messages.
    AMQP_NAMESPACE: 'e2e.',
    ...(app.role ? { DATABASE_URL: databaseUrlFor(app.role) } : {}),
    ...extra,
  };
}

/**
 * Starts the whole system as separate processes and waits until every app is ready and the
 * gateway has seen every service ready (its readiness no longer waits for them).
 */
export async function startSystem(extra: Record<string, string> = {}): Promise<RunningApp[]> {
  const apps = SYSTEM.map((app) => launchApp(app.name, envFor(app, extra)));
  try {
    await Promise.all(apps.map((app) => waitForStatus(`${app.url}/health/ready`, 200, 60_000)));
    await eventually(gatewaySeesEveryService, {
      timeoutMs: 30_000,
      what: 'the gateway sees a healthy instance of every service',
    });
  } catch (error) {
    const logs = apps.map((app) => `--- ${app.name}\n${app.output().slice(-3000)}`).join('\n');
    await stopSystem(apps);
    throw new Error(`${(error as Error).message}\n${logs}`);
  }
  return apps;
}

/** The gateway's readiness details count each service's healthy instances. */
async function gatewaySeesEveryService(): Promise<boolean> {
  const response = await fetch(`${GATEWAY_URL}/health/ready`).catch(() => undefined);
  if (!response?.ok) return false;
  const body = (await response.json()) as {
    details?: { discovery?: { upstreams?: Record<string, { healthy: number }> } };
  };
  const upstreams = Object.values(body.details?.discovery?.upstreams ?? {});
  return upstreams.length > 0 && upstreams.every((upstream) => upstream.healthy > 0);
}

export async function stopSystem(apps: RunningApp[]): Promise<void> {
  await Promise.all(apps.map((app) => stopApp(app)));
}

import { launchApp, stopApp, waitForStatus, type RunningApp } from './app-process.js';

/** The apps, with ports away from the defaults so a developer's `npm start` can keep running. */
export const SYSTEM = [
  { name: 'order', port: 4102, role: 'sagaflow_order' },
  { name: 'credit', port: 4103, role: 'sagaflow_credit' },
  { name: 'payment', port: 4104, role: 'sagaflow_payment' },
  { name: 'saga-orchestrator', port: 4101, role: 'sagaflow_orchestrator' },
  { name: 'gateway', port: 4100 },
] as const;

export const DATA_OWNERS = SYSTEM.filter((app) => 'role' in app);

export const TEST_DATABASE = 'sagaflow_e2e';

export function databaseUrlFor(role: string): string {
  return `postgres://${role}@127.0.0.1:5432/${TEST_DATABASE}`;
}

export function envFor(app: { port: number; role?: string }, extra: Record<string, string> = {}) {
  return {
    PORT: String(app.port),
    LOG_FORMAT: 'json',
    // Own exchanges and queues, so a developer's running system never sees test messages.
    AMQP_NAMESPACE: 'e2e.',
    ...(app.role ? { DATABASE_URL: databaseUrlFor(app.role) } : {}),
    ...extra,
  };
}

/** Starts the whole system as separate processes and waits until every app is ready. */
export async function startSystem(extra: Record<string, string> = {}): Promise<RunningApp[]> {
  const apps = SYSTEM.map((app) => launchApp(app.name, envFor(app, extra)));
  try {
    await Promise.all(apps.map((app) => waitForStatus(`${app.url}/health/ready`, 200, 60_000)));
  } catch (error) {
    const logs = apps.map((app) => `--- ${app.name}\n${app.output().slice(-3000)}`).join('\n');
    await stopSystem(apps);
    throw new Error(`${(error as Error).message}\n${logs}`);
  }
  return apps;
}

export async function stopSystem(apps: RunningApp[]): Promise<void> {
  await Promise.all(apps.map((app) => stopApp(app)));
}

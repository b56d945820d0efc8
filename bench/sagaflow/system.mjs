// Starts the five Sagaflow apps as production runs them (the built bundles, JSON logs at info,
// the image's heap cap, one process each), on ports, a broker namespace and a database of the
// bench's own.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { clearTimeout, setTimeout } from 'node:timers';
import { setTimeout as sleep } from 'node:timers/promises';
import { requestJson } from '../http-client.mjs';
import { AMQP_URL, connectBroker, postgresUrl } from '../infrastructure.mjs';

const ROOT = new URL('../../', import.meta.url).pathname;
const bundleOf = (app) => join(ROOT, 'dist', 'apps', app.name, 'main.js');

export const DATABASE = 'sagaflow_bench_system';
const NODE_OPTIONS = imageNodeOptions();
const local = (port) => `http://127.0.0.1:${port}`;

/** Away from `npm start` (30xx) and the system tests (41xx). */
export const APPS = [
  { name: 'order', port: 4402, role: 'sagaflow_order' },
  { name: 'credit', port: 4403, role: 'sagaflow_credit' },
  { name: 'payment', port: 4404, role: 'sagaflow_payment' },
  { name: 'saga-orchestrator', port: 4401, role: 'sagaflow_orchestrator' },
  { name: 'gateway', port: 4400 },
];
export const GATEWAY_URL = local(4400);
export const ORCHESTRATOR_URL = local(4401);

const QUEUES = [
  'order.commands',
  'credit.commands',
  'payment.commands',
  'saga-orchestrator.replies',
];
const EXCHANGES = ['sagaflow.commands', 'sagaflow.replies', 'sagaflow.dead-letter'];

/** The image's `NODE_OPTIONS` (its V8 heap cap): memory measured here is what a pod would use. */
function imageNodeOptions() {
  const dockerfile = readFileSync(join(ROOT, 'docker', 'Dockerfile'), 'utf8');
  const options = /^ENV NODE_OPTIONS="([^"]*)"$/m.exec(dockerfile)?.[1];
  if (options === undefined) throw new Error('docker/Dockerfile sets no NODE_OPTIONS line');
  return options;
}

function envOf(app, namespace) {
  return {
    PATH: process.env.PATH ?? '',
    PORT: String(app.port),
    LOG_FORMAT: 'json',
    LOG_LEVEL: 'info',
    NODE_OPTIONS,
    AMQP_URL,
    AMQP_NAMESPACE: namespace,
    ...(app.role ? { DATABASE_URL: postgresUrl(DATABASE, app.role) } : {}),
    ...(app.name === 'gateway'
      ? {
          ORDER_URL: local(4402),
          CREDIT_URL: local(4403),
          PAYMENT_URL: local(4404),
          SAGA_ORCHESTRATOR_URL: local(4401),
          // Every bench client calls from 127.0.0.1: one address stands for many customers.
          RATE_LIMIT_PER_MINUTE: '100000000',
        }
      : {}),
  };
}

/**
 * Starts every app, each writing its log to `<logDir>/<app>.log`, and waits until all are ready.
 * With `profileDir`, each runs under `--cpu-prof` and writes its profile there when it stops.
 */
export async function startSystem({ namespace, logDir, profileDir }) {
  for (const app of APPS) {
    if (!existsSync(bundleOf(app))) {
      throw new Error(`${bundleOf(app)} is missing: run \`npm run build\` first`);
    }
  }
  mkdirSync(logDir, { recursive: true });
  if (profileDir) mkdirSync(profileDir, { recursive: true });
  const running = APPS.map((app) => {
    const log = openSync(join(logDir, `${app.name}.log`), 'w');
    const profiling = profileDir
      ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`, `--cpu-prof-name=${app.name}.cpuprofile`]
      : [];
    const child = spawn(process.execPath, [...profiling, bundleOf(app)], {
      cwd: ROOT,
      env: envOf(app, namespace),
      stdio: ['ignore', log, log],
    });
    const exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
    return { ...app, url: local(app.port), pid: child.pid, child, exited };
  });
  try {
    await Promise.all(running.map((app) => waitUntilReady(app)));
    await waitUntilGatewaySeesEveryService();
  } catch (error) {
    await stopSystem(running);
    throw new Error(`${error.message}; see the logs in ${logDir}`);
  }
  return running;
}

async function waitUntilReady(app, timeoutMs = 90_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (app.child.exitCode !== null) throw new Error(`${app.name} exited ${app.child.exitCode}`);
    const ready = await requestJson(`${app.url}/health/ready`, { timeoutMs: 2000 }).then(
      (response) => response.status === 200,
      () => false,
    );
    if (ready) return;
    await sleep(250);
  }
  throw new Error(`${app.name} was not ready within ${timeoutMs / 1000} s`);
}

/**
 * The gateway is ready as soon as its discovery runs; a service it has not yet checked answers 503.
 * Its readiness details count each service's healthy instances: wait until none is at zero.
 */
async function waitUntilGatewaySeesEveryService(timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const response = await requestJson(`${GATEWAY_URL}/health/ready`, { timeoutMs: 2000 }).catch(
      () => undefined,
    );
    const upstreams = Object.values(response?.body?.details?.discovery?.upstreams ?? {});
    if (upstreams.length > 0 && upstreams.every((upstream) => upstream.healthy > 0)) return;
    await sleep(250);
  }
  throw new Error(
    `the gateway did not see a healthy instance of every service within ${timeoutMs / 1000} s`,
  );
}

/** SIGTERM (a graceful stop, which also writes CPU profiles), SIGKILL if it hangs. */
export async function stopSystem(running) {
  await Promise.all(
    running.map(async (app) => {
      if (app.child.exitCode !== null || app.child.signalCode !== null) return;
      app.child.kill('SIGTERM');
      const timer = setTimeout(() => app.child.kill('SIGKILL'), 20_000);
      await app.exited;
      clearTimeout(timer);
    }),
  );
}

/** Removes the namespace's queues and exchanges: a run leaves nothing on the broker. */
export async function deleteNamespace(namespace) {
  const broker = await connectBroker();
  try {
    const channel = await broker.createChannel();
    for (const queue of QUEUES) {
      await channel.deleteQueue(`${namespace}${queue}`);
      await channel.deleteQueue(`${namespace}${queue}.dead-letter`);
    }
    for (const exchange of EXCHANGES) await channel.deleteExchange(`${namespace}${exchange}`);
  } finally {
    await broker.close();
  }
}

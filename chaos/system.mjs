import { spawn } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  statSync,
} from 'node:fs';
import { connect as connectTcp } from 'node:net';
import { join } from 'node:path';
import process from 'node:process';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import {
  DATABASE,
  DEAD_LETTER_QUEUES,
  GATEWAY,
  EXCHANGES,
  INSTANCES,
  POSTGRES,
  PROCESSES,
  RABBITMQ,
  TAP_QUEUES,
  WORK_QUEUES,
  gatewayEnv,
  instanceEnv,
} from './layout.mjs';
import { withBroker } from './broker-connection.mjs';
import { Proxies } from './proxies.mjs';

const ROOT = new URL('../', import.meta.url).pathname;
const CRASH_RESTART_DELAY_MS = 1000;
const bundleOf = (app) => join(ROOT, 'dist', 'apps', app, 'main.js');

/**
 * The system under test as real processes: two instances of each app behind one gateway, every
 * instance's PostgreSQL and RabbitMQ traffic through its own proxies. Kills and restarts them.
 */
export class ChaosSystem {
  constructor({ logDir, logLevel, instanceExtraEnv = () => ({}), onSpawn = () => undefined }) {
    this.logDir = logDir;
    this.logLevel = logLevel;
    this.instanceExtraEnv = instanceExtraEnv;
    this.onSpawn = onSpawn;
    this.running = new Map();
    this.restarts = new Map(PROCESSES.map((p) => [p.name, 0]));
    this.proxies = undefined;
    this.crashes = [];
    this.stopping = false;
  }

  /** Fails early, with the fix, when the bundles are missing or a port is taken. */
  static async preflight() {
    for (const app of new Set(PROCESSES.map((p) => p.app))) {
      if (!existsSync(bundleOf(app))) {
        throw new Error(`${bundleOf(app)} is missing: run \`npm run build\` first`);
      }
    }
    const ports = PROCESSES.flatMap((p) => [p.port, p.databaseProxyPort, p.brokerProxyPort]);
    for (const port of ports.filter(Boolean)) {
      if (await listening(port)) throw new Error(`port ${port} is taken: is another run going?`);
    }
  }

  /** True when a source file changed after the bundles were built: the run would test old code. */
  static bundlesAreStale() {
    const built = Math.min(...PROCESSES.map((p) => statSync(bundleOf(p.app)).mtimeMs));
    return ['apps', 'libs'].some((dir) => newestFileMs(join(ROOT, dir)) > built);
  }

  /** A clean slate: the chaos database and the namespace's queues from an earlier run go. */
  static async reset() {
    const admin = new pg.Client({
      connectionString: `postgres://postgres@${POSTGRES.host}:${POSTGRES.port}/postgres`,
    });
    admin.on('error', () => undefined);
    await admin.connect();
    try {
      await admin.query(`DROP DATABASE IF EXISTS ${admin.escapeIdentifier(DATABASE)} WITH (FORCE)`);
    } finally {
      await admin.end();
    }
    await deleteNamespace();
  }

  async start() {
    this.proxies = new Proxies();
    for (const instance of INSTANCES) {
      await this.proxies.open(`${instance.name}/db`, instance.databaseProxyPort, POSTGRES.port);
      await this.proxies.open(`${instance.name}/amqp`, instance.brokerProxyPort, RABBITMQ.port);
    }
    mkdirSync(this.logDir, { recursive: true });
    // All at once: the bootstrap and migrations take advisory locks, so instances of one app
    // starting together create the database, role and schema once.
    for (const proc of PROCESSES) this.spawn(proc);
    await Promise.all(PROCESSES.map((proc) => this.waitReady(proc)));
  }

  spawn(proc) {
    const env =
      proc === GATEWAY
        ? gatewayEnv({ logLevel: this.logLevel })
        : instanceEnv(proc, { logLevel: this.logLevel, extra: this.instanceExtraEnv(proc) });
    // The child writes its log file itself: nothing of it passes through the harness.
    const log = openSync(join(this.logDir, `${proc.name}.log`), 'a');
    const child = spawn(process.execPath, [bundleOf(proc.app)], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', log, log],
    });
    closeSync(log);
    const entry = { child, expectedExit: false };
    entry.exited = new Promise((resolve) => child.once('exit', resolve));
    void entry.exited.then(() => this.onExit(proc, entry));
    this.running.set(proc.name, entry);
    this.onSpawn(this.pids());
    return child;
  }

  /** Like a supervisor (or Kubernetes): an instance that dies on its own is noted and restarted. */
  onExit(proc, { child, expectedExit }) {
    if (expectedExit || this.stopping) return;
    const { exitCode: code, signalCode: signal } = child;
    this.crashes.push({ name: proc.name, code, signal, at: new Date().toISOString() });
    setTimeout(() => {
      if (!this.stopping && !this.isRunning(proc.name)) this.restart(proc.name);
    }, CRASH_RESTART_DELAY_MS);
  }

  async waitReady(proc, timeoutMs = 90_000) {
    const url = `http://127.0.0.1:${proc.port}/health/ready`;
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (!this.isRunning(proc.name)) {
        throw new Error(`${proc.name} exited at start-up: see ${this.logDir}/${proc.name}.log`);
      }
      const ok = await fetch(url, { signal: AbortSignal.timeout(2000) }).then(
        (response) => response.ok,
        () => false,
      );
      if (ok) return;
      await sleep(250);
    }
    throw new Error(`${proc.name} was not ready within ${timeoutMs} ms`);
  }

  /** Every process the harness started that may still run, the proxies' host included. */
  pids() {
    const children = [...this.running.values()].map((entry) => entry.child);
    if (this.proxies) children.push(this.proxies.host);
    return children.filter((child) => child.exitCode === null).map((child) => child.pid);
  }

  isRunning(name) {
    const entry = this.running.get(name);
    return entry !== undefined && entry.child.exitCode === null && entry.child.signalCode === null;
  }

  /** SIGKILL: no drain, no cleanup, like a power cut or the OOM killer. */
  async kill(name) {
    const entry = this.running.get(name);
    if (!entry || !this.isRunning(name)) return false;
    entry.expectedExit = true;
    entry.child.kill('SIGKILL');
    await entry.exited;
    return true;
  }

  restart(name) {
    this.restarts.set(name, this.restarts.get(name) + 1);
    this.spawn(PROCESSES.find((p) => p.name === name));
  }

  /** Every process that should be running and is not (a restart that failed) is started again. */
  async ensureAllRunning() {
    for (const proc of PROCESSES) {
      if (!this.isRunning(proc.name)) this.restart(proc.name);
    }
    await Promise.all(PROCESSES.map((p) => this.waitReady(p)));
  }

  /** Gracefully, gateway first; then the proxies. */
  async stop() {
    this.stopping = true;
    const entries = [...this.running.values()];
    for (const { child } of entries) {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    }
    const stopped = Promise.all(entries.map((entry) => entry.exited));
    const late = await Promise.race([stopped.then(() => false), sleep(10_000).then(() => true)]);
    if (late) for (const { child } of entries) if (child.exitCode === null) child.kill('SIGKILL');
    await stopped;
    await this.proxies?.close();
  }

  /** Every line an instance wrote, through all its restarts. */
  logOf(name) {
    const file = join(this.logDir, `${name}.log`);
    return existsSync(file) ? readFileSync(file, 'utf8') : '';
  }
}

function newestFileMs(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestFileMs(path));
    else if (/(?<!spec)\.ts$/.test(entry.name)) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

function listening(port) {
  return new Promise((resolve) => {
    const socket = connectTcp({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Removes the namespace's queues and exchanges, as libs/messaging's Topology names them. */
export async function deleteNamespace() {
  await withBroker(async (broker) => {
    const channel = await broker.channel();
    for (const queue of [...WORK_QUEUES, ...DEAD_LETTER_QUEUES, ...Object.values(TAP_QUEUES)]) {
      await channel.deleteQueue(queue);
    }
    for (const exchange of Object.values(EXCHANGES)) await channel.deleteExchange(exchange);
  });
}

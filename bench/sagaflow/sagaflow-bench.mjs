// Sagaflow's part of a run: the five apps, their customers, then every level through each driver
// and the mixed run.
import { basename, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { epochNow, runClosedLoop } from '../closed-loop.mjs';
import {
  adminClient,
  dropDatabase,
  postgresPidsFor,
  recreateDatabase,
  transactionsOf,
  walBytes,
} from '../infrastructure.mjs';
import { measureLevel } from '../level.mjs';
import { cpuSecondsOf, memoryOf, pidsNamed, wakeupsOf } from '../process-stats.mjs';
import { log, logLevel } from '../progress.mjs';
import { endedBetween } from '../saga-rows.mjs';
import { createCustomers } from './fixtures.mjs';
import { gatewayDriver } from './gateway-driver.mjs';
import { orchestratorDriver, SagaWatcher } from './orchestrator-driver.mjs';
import { PATH_NAMES, TERMINAL_STATUSES } from './order-paths.mjs';
import { measureProxyCost } from './proxy-cost.mjs';
import { DATABASE, deleteNamespace, startSystem, stopSystem } from './system.mjs';

const PREWARM_LEVEL = 8;
/** The customers' last messages, outbox deletes and the JIT work they caused are done by then. */
const IDLE_SETTLE_MS = 2000;
const SAGA_ROWS = { table: 'orchestrator.saga_instances', statuses: TERMINAL_STATUSES };

/** A closed loop placing orders with `placeOrder` on the path `pathOf()` names each time. */
const ordersOn =
  (placeOrder, pathOf) =>
  ({ concurrency, stopAt }) =>
    runClosedLoop({ concurrency, stopAt, op: (slot) => placeOrder(slot, pathOf()) });
const approvePath = () => 'approve';

/** Approve, decline, insufficient credit, in turn. */
function mixedPaths() {
  let next = 0;
  return () => PATH_NAMES[next++ % PATH_NAMES.length];
}

export async function benchSagaflow({ options, namespace, runDir }) {
  const wants = (part) => options.parts.includes(part);
  await recreateDatabase(DATABASE);
  const profileDir = options.profile ? resolve('bench', 'profiles', basename(runDir)) : undefined;
  const logDir = join(runDir, 'logs');
  log(
    `starting the five apps (logs in ${logDir}${profileDir ? `, profiles in ${profileDir}` : ''})`,
  );
  const apps = await startSystem({ namespace, logDir, profileDir });
  const admin = await adminClient(DATABASE);
  const watcher = new SagaWatcher(await adminClient(DATABASE));
  try {
    const slots = Math.max(...options.levels, options.mixedLevel, PREWARM_LEVEL);
    log(`creating ${slots + options.mixedLevel} customers through the gateway`);
    const customers = await createCustomers({
      withCredit: slots,
      withoutCredit: options.mixedLevel,
    });
    const drivers = {
      gateway: gatewayDriver(customers),
      orchestrator: orchestratorDriver(customers, watcher),
    };
    const measure = (level, drive) =>
      measureLevel({
        level,
        drive,
        warmupMs: options.warmup * 1000,
        durationMs: options.duration * 1000,
        cpuGroups: {
          ...Object.fromEntries(apps.map((app) => [app.name, () => [app.pid]])),
          postgres: () => postgresPidsFor(admin, [DATABASE]),
          rabbitmq: () => pidsNamed('beam.smp'),
          driver: () => [process.pid],
        },
        rssPids: Object.fromEntries(apps.map((app) => [app.name, app.pid])),
        ended: (from, to) => endedBetween(admin, SAGA_ROWS, from, to),
        walBytes: () => walBytes(admin),
        transactions: () => transactionsOf(admin),
      });

    const results = {};
    if (options.idle > 0) {
      log(`measuring the apps with no saga in flight for ${options.idle} s`);
      results.idle = await measureIdle(apps, options.idle);
    }
    if (options.prewarm > 0) {
      log(`warming up: ${options.prewarm} s at ${PREWARM_LEVEL} in flight`);
      const stopAt = epochNow() + options.prewarm * 1000;
      await ordersOn(drivers.gateway, approvePath)({ concurrency: PREWARM_LEVEL, stopAt });
    }
    for (const driver of ['gateway', 'orchestrator'].filter(wants)) {
      results[driver] = [];
      for (const level of options.levels) {
        const result = await measure(level, ordersOn(drivers[driver], approvePath));
        results[driver].push(result);
        logLevel(driver, result);
      }
    }
    if (wants('mixed')) {
      results.mixed = await measure(options.mixedLevel, ordersOn(drivers.gateway, mixedPaths()));
      logLevel('mixed', results.mixed);
    }
    if (wants('proxy')) {
      log(`measuring what the gateway adds to a read: ${options.proxyRounds} round(s)`);
      results.proxy = await measureProxyCost({
        apps,
        customer: customers.withCredit[0],
        placeOrder: drivers.gateway,
        requests: options.proxyRequests,
        rounds: options.proxyRounds,
      });
      log(`the gateway added ${results.proxy.addedP50Ms} ms at the p50`);
    }
    results.peakRssSinceStartMb = Object.fromEntries(
      apps.map((app) => [app.name, memoryOf(app.pid)?.peakMb ?? null]),
    );
    return results;
  } finally {
    await watcher.close();
    await watcher.client.end();
    await admin.end();
    await stopSystem(apps);
    await deleteNamespace(namespace);
    if (!options.keepDatabase) await dropDatabase(DATABASE);
  }
}

/**
 * What each app costs with no saga in flight (its timers, probes, relay polls and health checks):
 * CPU milliseconds and wake-ups per second. A cost every instance pays all day, and part of each
 * saga's CPU under load.
 */
async function measureIdle(apps, seconds) {
  await sleep(IDLE_SETTLE_MS);
  const read = () =>
    new Map(
      apps.map((app) => [app.name, { cpu: cpuSecondsOf(app.pid), wakeups: wakeupsOf(app.pid) }]),
    );
  const before = read();
  const startedAt = Date.now();
  await sleep(seconds * 1000);
  const after = read();
  const elapsed = (Date.now() - startedAt) / 1000;
  const rate = (name, key, scale) => {
    const [from, to] = [before.get(name)?.[key], after.get(name)?.[key]];
    return from === undefined || to === undefined ? null : ((to - from) * scale) / elapsed;
  };
  const byApp = (key, scale) =>
    Object.fromEntries(apps.map((app) => [app.name, rate(app.name, key, scale)]));
  return {
    seconds: elapsed,
    cpuMsPerSecond: byApp('cpu', 1000),
    wakeupsPerSecond: byApp('wakeups', 1),
  };
}

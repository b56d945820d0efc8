// The whole-system bench: Sagaflow's five apps under place-order load through both doors, then
// the reference saga and the micro-benchmarks, in one run; results as JSON and Markdown.
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, release, totalmem } from 'node:os';
import { join } from 'node:path';
import { epochNow, runClosedLoop } from './closed-loop.mjs';
import {
  adminClient,
  dropDatabase,
  postgresPidsFor,
  recreateDatabase,
  versions,
} from './infrastructure.mjs';
import { measureLevel } from './level.mjs';
import { postgresTransactions } from './micro/postgres-transactions.mjs';
import { rabbitmqRoundTrips } from './micro/rabbitmq-round-trips.mjs';
import { memoryOf, pidsNamed } from './process-stats.mjs';
import { ReferenceSaga } from './reference/reference-saga.mjs';
import {
  DATABASE as REFERENCE_DATABASE,
  SAGA_STATUSES,
  SAGA_TABLE,
} from './reference/settings.mjs';
import { ratiosOf, renderMarkdown } from './report.mjs';
import { endedBetween } from './saga-rows.mjs';
import { createCustomers } from './sagaflow/fixtures.mjs';
import { gatewayDriver } from './sagaflow/gateway-driver.mjs';
import { orchestratorDriver, SagaWatcher } from './sagaflow/orchestrator-driver.mjs';
import { PATH_NAMES, TERMINAL_STATUSES } from './sagaflow/order-paths.mjs';
import { DATABASE, deleteNamespace, startSystem, stopSystem } from './sagaflow/system.mjs';

const MICRO_DATABASE = 'sagaflow_bench_micro';
const PREWARM_LEVEL = 8;
const POSTGRES_CLIENTS = 16;
const RABBITMQ_IN_FLIGHT = 128;

const log = (line) => console.log(`${new Date().toISOString().slice(11, 19)} ${line}`);
const rabbitmqPids = () => pidsNamed('beam.smp');

function describeLevel(name, result) {
  const server = result.latencyMs.server;
  const client = result.latencyMs.client;
  return (
    `${name.padEnd(13)} ${String(result.level).padStart(3)} in flight: ` +
    `${result.perSecond.toFixed(1)}/s` +
    (server ? `, server p50 ${server.p50} p99 ${server.p99} ms` : '') +
    `, client p50 ${client.p50} p99 ${client.p99} ms, errors ${result.errors}` +
    `${result.firstError ? ` (${result.firstError})` : ''}, ` +
    `machine ${result.machine.busyCores} cores busy, load ${result.machine.loadAverage1m}`
  );
}

export async function runSystemBench(options) {
  const startedAt = new Date();
  const run = startedAt
    .toISOString()
    .replace(/[:.]/g, '-')
    .replace(/-\d{3}Z$/, 'Z');
  const runDir = join(options.out, run);
  mkdirSync(runDir, { recursive: true });
  // Lowercase letters, digits and dashes, ending in a dot (what AMQP_NAMESPACE accepts).
  const namespace = `bench-${run.toLowerCase().replace(/[^a-z0-9]/g, '')}.`;
  const settings = {
    levels: options.levels,
    durationS: options.duration,
    warmupS: options.warmup,
    prewarmS: options.prewarm,
    mixedLevel: options.mixedLevel,
    microDurationS: options.microDuration,
    parts: options.parts,
    profile: options.profile,
  };
  const results = {
    run,
    smoke: options.smoke,
    startedAt: startedAt.toISOString(),
    settings,
    machine: {
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
      memoryGb: Math.round(totalmem() / 2 ** 30),
      kernel: release(),
      node: process.versions.node,
      ...(await versions()),
      loadAverage: { start: loadavg()[0] },
    },
    sagaflow: {},
    reference: [],
    micro: {},
  };
  const measure = (extra) =>
    measureLevel({
      warmupMs: options.warmup * 1000,
      durationMs: options.duration * 1000,
      ...extra,
    });

  const wants = (part) => options.parts.includes(part);
  if (wants('gateway') || wants('orchestrator') || wants('mixed')) {
    results.sagaflow = await benchSagaflow({ options, namespace, runDir, measure, wants });
  }
  if (wants('reference')) {
    results.reference = await benchReference({ options, namespace, measure });
  }
  if (wants('micro')) {
    results.micro = await benchMicro({ options, namespace });
  }
  results.machine.loadAverage.end = loadavg()[0];
  results.finishedAt = new Date().toISOString();
  results.ratios = ratiosOf(results);

  const markdown = renderMarkdown(results);
  writeFileSync(join(runDir, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(join(runDir, 'results.md'), markdown);
  console.log(`\n${markdown}`);
  log(`results in ${runDir}/results.{json,md}`);
  return results;
}

async function benchSagaflow({ options, namespace, runDir, measure, wants }) {
  await recreateDatabase(DATABASE);
  const profileDir = options.profile
    ? join('bench', 'profiles', runDir.split('/').at(-1))
    : undefined;
  log(
    `starting the five apps (logs in ${runDir}/logs${profileDir ? `, profiles in ${profileDir}` : ''})`,
  );
  const apps = await startSystem({ namespace, logDir: join(runDir, 'logs'), profileDir });
  const admin = await adminClient(DATABASE);
  const watcher = new SagaWatcher(await adminClient(DATABASE));
  try {
    const pidOf = Object.fromEntries(apps.map((app) => [app.name, app.pid]));
    const cpuGroups = {
      ...Object.fromEntries(apps.map((app) => [app.name, () => [app.pid]])),
      postgres: () => postgresPidsFor(admin, [DATABASE]),
      rabbitmq: rabbitmqPids,
      driver: () => [process.pid],
    };
    const ended = (from, to) =>
      endedBetween(
        admin,
        { table: 'orchestrator.saga_instances', statuses: TERMINAL_STATUSES },
        from,
        to,
      );
    const slots = Math.max(...options.levels, options.mixedLevel, PREWARM_LEVEL);
    log(`creating ${slots} customers through the gateway`);
    const customers = await createCustomers({ withCredit: slots, withoutCredit: slots });
    const drivers = {
      gateway: gatewayDriver(customers),
      orchestrator: orchestratorDriver(customers, watcher),
    };
    const loop =
      (placeOrder, pathOf) =>
      ({ concurrency, stopAt }) =>
        runClosedLoop({ concurrency, stopAt, op: (slot) => placeOrder(slot, pathOf()) });
    const approve = () => 'approve';

    if (options.prewarm > 0) {
      log(`warming up: ${options.prewarm} s at ${PREWARM_LEVEL} in flight`);
      await loop(
        drivers.gateway,
        approve,
      )({
        concurrency: PREWARM_LEVEL,
        stopAt: epochNow() + options.prewarm * 1000,
      });
    }
    const results = {};
    for (const driver of ['gateway', 'orchestrator'].filter(wants)) {
      results[driver] = [];
      for (const level of options.levels) {
        const drive = loop(drivers[driver], approve);
        const result = await measure({ level, drive, cpuGroups, rssPids: pidOf, ended });
        results[driver].push(result);
        log(describeLevel(driver, result));
      }
    }
    if (wants('mixed')) {
      let next = 0;
      const mixed = () => PATH_NAMES[next++ % PATH_NAMES.length];
      const drive = loop(drivers.gateway, mixed);
      results.mixed = await measure({
        level: options.mixedLevel,
        drive,
        cpuGroups,
        rssPids: pidOf,
        ended,
      });
      log(describeLevel('mixed', results.mixed));
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

async function benchReference({ options, namespace, measure }) {
  log('starting the reference saga');
  const saga = await ReferenceSaga.start(`${namespace}reference.`);
  const admin = await adminClient(REFERENCE_DATABASE);
  try {
    const cpuGroups = {
      ...Object.fromEntries(Object.entries(saga.pids).map(([name, pid]) => [name, () => [pid]])),
      postgres: () => postgresPidsFor(admin, [REFERENCE_DATABASE]),
      rabbitmq: rabbitmqPids,
    };
    const ended = (from, to) =>
      endedBetween(admin, { table: SAGA_TABLE, statuses: SAGA_STATUSES }, from, to);
    const drive = (run) => saga.drive(run);
    if (options.prewarm > 0) {
      await drive({ concurrency: PREWARM_LEVEL, stopAt: epochNow() + options.prewarm * 1000 });
    }
    const results = [];
    for (const level of options.levels) {
      const result = await measure({ level, drive, cpuGroups, rssPids: saga.pids, ended });
      results.push(result);
      log(describeLevel('reference', result));
    }
    return results;
  } finally {
    await admin.end();
    await saga.stop();
    if (!options.keepDatabase) await dropDatabase(REFERENCE_DATABASE);
  }
}

async function benchMicro({ options, namespace }) {
  await recreateDatabase(MICRO_DATABASE);
  const admin = await adminClient(MICRO_DATABASE);
  const measure = (cpuGroups) => (extra) =>
    measureLevel({
      warmupMs: Math.min(1000, options.microDuration * 500),
      durationMs: options.microDuration * 1000,
      cpuGroups,
      ...extra,
    });
  try {
    const postgres = await postgresTransactions({
      database: MICRO_DATABASE,
      clients: POSTGRES_CLIENTS,
      measure: measure({ postgres: () => postgresPidsFor(admin, [MICRO_DATABASE]) }),
    });
    log(describeLevel('postgres tx', postgres));
    const rabbitmq = await rabbitmqRoundTrips({
      namespace,
      inFlight: RABBITMQ_IN_FLIGHT,
      measure: measure({ rabbitmq: rabbitmqPids }),
    });
    log(describeLevel('rabbitmq rt', rabbitmq));
    return { postgres, rabbitmq };
  } finally {
    await admin.end();
    await dropDatabase(MICRO_DATABASE);
  }
}

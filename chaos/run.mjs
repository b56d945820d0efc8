// `npm run chaos`: the system as real processes (two instances of every app behind one gateway),
// a steady stream of orders, faults on a seeded schedule, then the invariants. See chaos/README.md.
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import process from 'node:process';
import { installTaps } from './broker-tap.mjs';
import { apiEvidence, databaseEvidence, deadLetters, queueDepths } from './evidence.mjs';
import { FaultRunner } from './faults.mjs';
import { GatewayClient } from './gateway-client.mjs';
import { restoreInfrastructure } from './infrastructure.mjs';
import { checkInvariants } from './invariants.mjs';
import { GATEWAY_URL } from './layout.mjs';
import { driveLoad, planLoad } from './load.mjs';
import { countInjections, messagingChaosEnv, messagingChaosSupport } from './messaging-chaos.mjs';
import { parseOptions, USAGE } from './options.mjs';
import { Random } from './random.mjs';
import { faultsByKind, toMarkdown, writeReport } from './report.mjs';
import { buildSchedule, describeFault } from './schedule.mjs';
import { settle } from './settle.mjs';
import { lockState, rerunUnderLock } from './shared-lock.mjs';
import { ChaosSystem, deleteNamespace } from './system.mjs';
import { Watchdog } from './watchdog-link.mjs';

const began = Date.now();
const log = (message) =>
  console.log(`[chaos ${((Date.now() - began) / 1000).toFixed(1).padStart(5)}s] ${message}`);

/** Faults start this long into the load and stop this long before its planned end. */
const FAULTS_FROM_MS = 3_000;
const FAULTS_END_BEFORE_MS = 3_000;

async function main() {
  let options;
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (error) {
    console.error(`${error.message}\n\n${USAGE}`);
    return 2;
  }
  if (options.help) {
    console.log(USAGE);
    return 0;
  }
  const lock = lockState();
  if (lock.held === 'none') return rerunUnderLock(log);
  const startedAt = new Date();
  const id = `${startedAt.toISOString().replace(/[:.]/g, '-')}-seed-${options.seed}`;
  const rng = new Random(options.seed);
  const plan = planLoad(rng.fork('load'), options);
  const loadMs = (options.orders / options.rate) * 1000;
  const schedule = buildSchedule(rng.fork('faults'), options.faults, {
    startMs: FAULTS_FROM_MS,
    windowMs: Math.max(loadMs - FAULTS_FROM_MS - FAULTS_END_BEFORE_MS, 1000),
  });
  const replay = replayCommand(process.argv.slice(2), options.seed);
  log(`seed ${options.seed}  (replay: ${replay})`);
  log(
    `${options.orders} orders at ${options.rate.toFixed(1)}/s from up to ${options.clients} clients; ${schedule.length} faults:`,
  );
  for (const fault of schedule) log(`  ${describeFault(fault)}`);

  await ChaosSystem.preflight();
  if (ChaosSystem.bundlesAreStale()) log('WARNING: apps/ or libs/ changed since `npm run build`');
  const watchdog = new Watchdog(lock.fd);
  const support = messagingChaosSupport(options.messagingChaos);
  log(`messaging chaos (${options.messagingChaos.join(',') || 'off'}): ${support.summary}`);
  const logs = join(options.outDir, id, 'logs');
  const system = new ChaosSystem({
    logDir: logs,
    logLevel: options.logLevel,
    instanceExtraEnv: (instance) =>
      support.enabled
        ? messagingChaosEnv(
            options.messagingChaos,
            options.messagingChaosRate,
            options.seed,
            instance,
          )
        : {},
    onSpawn: (pids) => watchdog.watch(pids),
  });
  const cleanUp = once(async () => {
    await system.stop().catch((error) => log(`stopping the apps: ${error.message}`));
    await restoreInfrastructure().catch((error) =>
      log(`RESTORING POSTGRESQL/RABBITMQ FAILED: ${error.message}`),
    );
    if (!options.keepQueues) await deleteNamespace().catch(() => undefined);
    await watchdog.release();
  });
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.once(signal, () => {
      log(`${signal}: stopping the apps and restoring PostgreSQL and RabbitMQ`);
      void cleanUp().finally(() => process.exit(130));
    });
  }
  for (const event of ['uncaughtException', 'unhandledRejection']) {
    process.once(event, (error) => {
      log(
        `${event}: ${error?.stack ?? error}; stopping the apps and restoring PostgreSQL and RabbitMQ`,
      );
      void cleanUp().finally(() => process.exit(2));
    });
  }

  const phases = new Phases();
  const loadAtStart = loadAverage();
  try {
    await restoreInfrastructure();
    await ChaosSystem.reset();
    log('starting 9 processes ...');
    await system.start();
    await installTaps();
    phases.end('start');

    const gateway = new GatewayClient(GATEWAY_URL);
    const { adminToken, customerIds, tokens } = await createCustomers(gateway, plan);
    phases.end('customers');
    log(`${plan.customers.length} customers; load and faults start`);

    const loadStartedAt = Date.now();
    const faultRun = new FaultRunner({ system, rng: rng.fork('redeliver'), log });
    const faultsOver = faultRun.run(schedule, loadStartedAt);
    const { rate, clients } = options;
    const load = await driveLoad({ plan, tokens, gateway, rate, clients, log });
    phases.end('load');
    log(`load done in ${(load.durationMs / 1000).toFixed(1)} s; waiting for the last faults`);
    const faultResults = await faultsOver;
    await system.proxies.restoreAll();
    await restoreInfrastructure();
    await system.ensureAllRunning();
    phases.end('restore');
    log('every fault over and everything back up; settling');
    const settled = await settle({ timeoutMs: options.settleTimeoutMs, log });
    phases.end('settle');
    log(`${settled.settled ? 'settled' : 'NOT settled'} after ${(settled.ms / 1000).toFixed(1)} s`);

    const verdict = checkInvariants({
      records: load.records,
      customers: plan.customers,
      db: await databaseEvidence(),
      queues: await queueDepths(),
      deadLetters: await deadLetters(),
      api: await apiEvidence({
        gateway,
        adminToken,
        customerIds,
        orderIds: load.records.flatMap((r) => acceptedOrderIds(r).slice(0, 1)),
      }),
      availabilityThreshold: options.availabilityThreshold,
    });
    phases.end('checks');
    const injections = countInjections((name) => system.logOf(name));
    const report = {
      run: {
        id,
        seed: options.seed,
        replay,
        variant: options.variant,
        startedAt: startedAt.toISOString(),
        rate: options.rate,
        clients: options.clients,
        slowShare: options.slowShare,
        doubleSubmitShare: options.doubleSubmitShare,
        availabilityThreshold: options.availabilityThreshold,
        messagingChaos: options.messagingChaos,
        logs,
      },
      load: {
        orders: options.orders,
        customers: plan.customers.length,
        durationMs: load.durationMs,
      },
      settle: settled,
      phases: phases.durations,
      verdict: { ok: verdict.checks.every((c) => c.ok) },
      checks: verdict.checks,
      availability: verdict.availability,
      outcomes: verdict.outcomes,
      deadLetters: verdict.deadLetters,
      faults: {
        byKind: faultsByKind(schedule, faultResults),
        executed: faultResults.sort((a, b) => a.id - b.id),
      },
      messagingChaos: {
        ...support,
        ...injections,
        summary: support.enabled
          ? `duplicated ${injections.injected.duplicate}, reordered ${injections.injected.reorder}; switched on in ${injections.confirmed.length} of 8 instances`
          : support.summary,
      },
      needsAttention: verdict.needsAttention,
      machine: { cpus: cpus().length, loadAtStart, loadAtEnd: loadAverage() },
      restarts: Object.fromEntries(system.restarts),
      crashes: system.crashes,
    };
    const written = writeReport(options.outDir, report);
    console.log(`\n${toMarkdown(report)}`);
    log(`report: ${written.json} and ${written.markdown}`);
    const failed = verdict.checks.filter((c) => !c.ok).map((c) => c.name);
    log(failed.length === 0 ? 'PASSED' : `FAILED: ${failed.join(', ')}`);
    return failed.length === 0 ? 0 : 1;
  } finally {
    await cleanUp();
  }
}

async function createCustomers(gateway, plan) {
  const adminToken = await gateway.token('admin');
  const customerIds = [];
  for (const customer of plan.customers) {
    const limit = { amount: customer.limit, currency: 'EUR' };
    customerIds.push(await gateway.createCustomer(adminToken, customer.name, limit));
  }
  const tokens = await Promise.all(customerIds.map((id) => gateway.token('customer', id)));
  return { adminToken, customerIds, tokens };
}

/** The machine's 1-minute load average: on 2 cores, other work above ~2 starves the apps. */
const loadAverage = () => Number(loadavg()[0].toFixed(1));

const acceptedOrderIds = (record) =>
  record.submissions.filter((s) => s.outcome === 'accepted').map((s) => s.orderId);

/** How long each phase of the run took, in ms. */
class Phases {
  constructor() {
    this.durations = {};
    this.last = Date.now();
  }

  end(name) {
    this.durations[name] = Date.now() - this.last;
    this.last = Date.now();
  }
}

/** The command line again, with the seed this run used. */
function replayCommand(args, seed) {
  const kept = args.filter((arg, i) => !arg.startsWith('--seed') && args[i - 1] !== '--seed');
  return ['npm run chaos --', ...kept, '--seed', seed].join(' ');
}

function once(work) {
  let running;
  return () => (running ??= work());
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(`[chaos] ${error.stack ?? error.message}`);
    process.exit(2);
  },
);

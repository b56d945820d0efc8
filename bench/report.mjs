// Turns a run's results into the ratios and the Markdown tables committed beside the JSON.
import { round } from './stats.mjs';

/** Sagaflow's place-order has 4 steps, the reference saga 3: they are compared per step. */
export const STEPS = { sagaflow: 4, reference: 3 };

export const APP_NAMES = ['gateway', 'saga-orchestrator', 'order', 'credit', 'payment'];
const CPU_COLUMNS = [...APP_NAMES, 'postgres', 'rabbitmq', 'driver'];
const REFERENCE_APP_NAMES = ['orchestrator', 'order', 'credit', 'payment'];
const REFERENCE_CPU_COLUMNS = [...REFERENCE_APP_NAMES, 'postgres', 'rabbitmq'];

const sum = (values) => values.reduce((total, value) => total + (value ?? 0), 0);
/**
 * The system's CPU a saga: every process but the bench's driver, which plays the clients (the
 * reference's figures count no driver either).
 */
export const systemCpuOf = (cpuSecondsPerSaga) =>
  sum(Object.entries(cpuSecondsPerSaga).map(([name, cpu]) => (name === 'driver' ? 0 : cpu)));

/** Sagaflow's steps per second beside the reference's and the two micro-benchmarks'. */
export function ratiosOf({ sagaflow, reference, micro }) {
  const ratios = [];
  for (const driver of ['gateway', 'orchestrator']) {
    for (const result of sagaflow[driver] ?? []) {
      const steps = result.perSecond * STEPS.sagaflow;
      const ref = reference.find((r) => r.level === result.level);
      const ratio = (other) => (other ? round(steps / other, 4) : null);
      const cpuPerStep = systemCpuOf(result.cpuSecondsPerSaga) / STEPS.sagaflow;
      const refCpuPerStep = ref && systemCpuOf(ref.cpuSecondsPerSaga) / STEPS.reference;
      ratios.push({
        driver,
        level: result.level,
        stepsPerSecond: round(steps, 1),
        vsReference: ratio(ref && ref.perSecond * STEPS.reference),
        vsPostgresTransactions: ratio(micro.postgres?.perSecond),
        vsRabbitmqRoundTrips: ratio(micro.rabbitmq?.perSecond),
        cpuPerStepVsReference: refCpuPerStep ? round(cpuPerStep / refCpuPerStep, 2) : null,
      });
    }
  }
  return ratios;
}

const ms = (value) => (value === null || value === undefined ? '–' : String(Math.round(value)));
const triple = (p) => (p ? `${ms(p.p50)} / ${ms(p.p95)} / ${ms(p.p99)}` : '–');
const cpuMs = (seconds) =>
  seconds === null || seconds === undefined ? '–' : (seconds * 1000).toFixed(1);
const walKb = ({ walKbPerSaga }) => walKbPerSaga?.toFixed(1) ?? '–';
const count = (value) => (value === null || value === undefined ? '–' : value.toFixed(0));
const perSagaCount = (value) => (value === null || value === undefined ? '–' : value.toFixed(1));
/** Read and write system calls per saga of the named processes together; unknown if one is. */
function syscallsOfApps({ syscallsPerSaga }, names) {
  const counts = names.map((name) => syscallsPerSaga?.[name]);
  return counts.some((calls) => calls === null || calls === undefined) ? undefined : sum(counts);
}
const times = (ratio) => (ratio ? `${(1 / ratio).toFixed(1)}×` : '–');
const percent = (ratio) => (ratio ? `${(ratio * 100).toFixed(1)} %` : '–');

export function table(header, rows) {
  return [
    `| ${header.join(' | ')} |`,
    `| ${header.map((_, i) => (i === 0 ? '---' : '---:')).join(' | ')} |`,
    ...rows.map((row) => `| ${row.join(' | ')} |`),
  ].join('\n');
}

function statusesOf(result) {
  return Object.entries(result.statuses ?? {})
    .map(([status, count]) => `${status} ${count}`)
    .join(', ');
}

function header({ run, smoke, note, machine, settings }) {
  return [
    `# Sagaflow whole-system bench: ${run}${smoke ? ' (smoke)' : ''}`,
    ...(note ? [`> ${note}`] : []),
    `Machine: ${machine.cpus} × ${machine.cpuModel}, ${machine.memoryGb} GB RAM, Linux ` +
      `${machine.kernel}; Node ${machine.node}, PostgreSQL ${machine.postgres}, RabbitMQ ` +
      `${machine.rabbitmq}. Load average (1 min): ${machine.loadAverage.start.toFixed(2)} at the ` +
      `start, ${machine.loadAverage.end.toFixed(2)} at the end, and per level below.`,
    `Each level: ${settings.warmupS} s warm-up, then ${settings.durationS} s measured, in a ` +
      `closed loop (that many sagas in flight). Sagas/s and server latency come from the saga ` +
      `rows (terminal status reached in the window; created → terminal); client latency from ` +
      `the driver (request → terminal status seen: over SSE through the gateway, by polling the ` +
      `rows every 20 ms straight at the orchestrator); "202" is the start request alone.`,
  ];
}

function placeOrderSection(sagaflow, mixed) {
  const lines = [
    '## Place-order',
    table(
      [
        'driver',
        'in flight',
        'sagas/s',
        'server p50 / p95 / p99 ms',
        'client p50 / p95 / p99 ms',
        '202 p50 / p95 / p99 ms',
        'errors',
        'statuses',
        'machine busy cores',
        'load 1m',
      ],
      sagaflow.map(({ driver, result }) => [
        driver,
        result.level,
        result.perSecond.toFixed(1),
        triple(result.latencyMs.server),
        triple(result.latencyMs.client),
        triple(result.latencyMs.accepted),
        result.errors,
        statusesOf(result),
        result.machine.busyCores.toFixed(2),
        result.machine.loadAverage1m.toFixed(2),
      ]),
    ),
  ];
  const endedEarly = sagaflow.filter(({ result }) => result.streamsEndedEarly > 0);
  if (endedEarly.length) {
    const counts = endedEarly.map(
      ({ driver, result }) => `${driver} at ${result.level}: ${result.streamsEndedEarly}`,
    );
    lines.push(
      `Event streams that ended before the event of the terminal status (the driver then read ` +
        `the saga's status): ${counts.join(', ')}.`,
    );
  }
  if (mixed?.byPath) {
    const paths = Object.entries(mixed.byPath).map(
      ([path, counts]) => `${path}: ${statusesOf({ statuses: counts })}`,
    );
    lines.push(`Mixed run, as the client saw each path end: ${paths.join('; ')}.`);
  }
  return lines;
}

function cpuSection(sagaflow) {
  return [
    '## CPU ms per completed saga, by process',
    table(
      ['driver', 'in flight', ...CPU_COLUMNS, 'system', 'WAL KB'],
      sagaflow.map(({ driver, result }) => [
        driver,
        result.level,
        ...CPU_COLUMNS.map((name) => cpuMs(result.cpuSecondsPerSaga[name])),
        cpuMs(systemCpuOf(result.cpuSecondsPerSaga)),
        walKb(result),
      ]),
    ),
    'postgres: the backends of the bench database plus the server’s background processes ' +
      '(shared with anything else running); rabbitmq: the whole broker (beam.smp); driver: the ' +
      'bench process, which plays the clients; system: every process but the driver, as the ' +
      'reference counts. WAL KB: PostgreSQL’s write-ahead log per saga (the whole cluster’s).',
  ];
}

function countSection(sagaflow) {
  return [
    '## System calls and transactions per completed saga',
    table(
      [
        'driver',
        'in flight',
        ...APP_NAMES,
        'apps',
        'postgres',
        'rabbitmq',
        'PostgreSQL transactions',
      ],
      sagaflow.map(({ driver, result }) => [
        driver,
        result.level,
        ...APP_NAMES.map((name) => count(result.syscallsPerSaga?.[name])),
        count(syscallsOfApps(result, APP_NAMES)),
        count(result.syscallsPerSaga?.postgres),
        count(result.syscallsPerSaga?.rabbitmq),
        perSagaCount(result.transactionsPerSaga),
      ]),
    ),
    'Read and write system calls (`/proc/<pid>/io`: read, write and their vector forms, on ' +
      'sockets and files). PostgreSQL talks to its clients with send/recv, which are not ' +
      'counted: its column is its file I/O; – where another user’s processes could not be read ' +
      '(CAP_SYS_PTRACE). Transactions: those the bench database ended, a ' +
      'statement run alone being one. Counts hold still when the machine’s speed drifts: ' +
      'compare builds on them.',
  ];
}

function memorySection(sagaflow, sinceStart) {
  const lines = [
    '## Peak resident memory (MB) during each level',
    table(
      ['driver', 'in flight', ...APP_NAMES],
      sagaflow.map(({ driver, result }) => [
        driver,
        result.level,
        ...APP_NAMES.map((name) => result.peakRssMb[name]?.toFixed(0) ?? '–'),
      ]),
    ),
  ];
  if (sinceStart) {
    const peaks = APP_NAMES.map((name) => `${name} ${sinceStart[name]?.toFixed(0) ?? '–'} MB`);
    lines.push(`Since start (VmHWM): ${peaks.join(', ')}.`);
  }
  return lines;
}

function idleSection({ seconds, cpuMsPerSecond, wakeupsPerSecond }) {
  const rate = (value) => (value === null || value === undefined ? '–' : value.toFixed(1));
  return [
    '## Idle (no saga in flight)',
    table(
      ['per second', ...APP_NAMES],
      [
        ['CPU ms', ...APP_NAMES.map((name) => rate(cpuMsPerSecond[name]))],
        ['wake-ups', ...APP_NAMES.map((name) => rate(wakeupsPerSecond[name]))],
      ],
    ),
    `Over ${seconds.toFixed(1)} s after the customers were made, before the first level: each ` +
      'app’s timers, probes, relay polls and health checks. Wake-ups: the times its event loop ' +
      'went to sleep (`voluntary_ctxt_switches` of its main thread).',
  ];
}

/** The target for what the gateway adds to a proxied request, at the p50. */
const GATEWAY_ADDS_TARGET_MS = 1;

function proxySection({ requests, rounds, addedP50Ms }) {
  const reads = [
    ['door', 'the gateway alone: `GET /health/live`'],
    ['straight', 'straight at order: `GET /orders/:id`'],
    ['gateway', 'through the gateway: `GET /api/orders/:id`'],
  ];
  const rows = rounds.flatMap((round, index) =>
    reads.map(([name, what]) => {
      const { latencyMs, cpuMsPerRequest } = round[name];
      const cpu = (app) => cpuMsPerRequest[app]?.toFixed(2) ?? '–';
      const latency = [latencyMs.p50, latencyMs.p95, latencyMs.p99].map((v) => v.toFixed(2));
      return [index + 1, what, latency.join(' / '), cpu('gateway'), cpu('order')];
    }),
  );
  const verdict = addedP50Ms <= GATEWAY_ADDS_TARGET_MS ? 'within' : 'over';
  return [
    '## What the gateway adds to a read',
    table(['round', 'request', 'p50 / p95 / p99 ms', 'gateway CPU ms', 'order CPU ms'], rows),
    `${requests} requests one after another per row, after a tenth as many to warm up; CPU per ` +
      'request from /proc over the loop. Through the gateway, a read took ' +
      `${addedP50Ms.toFixed(2)} ms more at its p50 than straight at the order service (the median ` +
      `over the rounds): ${verdict} the target of ${GATEWAY_ADDS_TARGET_MS} ms.`,
  ];
}

function referenceSection(reference) {
  return [
    '## Reference: minimal saga (3 steps, raw amqplib + pg)',
    table(
      [
        'in flight',
        'sagas/s',
        'server p50 / p95 / p99 ms',
        'client p50 / p95 / p99 ms',
        'errors',
        ...REFERENCE_CPU_COLUMNS.map((name) => `${name} CPU ms`),
        'WAL KB',
        'syscalls (apps)',
        'PostgreSQL transactions',
        'machine busy cores',
        'load 1m',
      ],
      reference.map((result) => [
        result.level,
        result.perSecond.toFixed(1),
        triple(result.latencyMs.server),
        triple(result.latencyMs.client),
        result.errors,
        ...REFERENCE_CPU_COLUMNS.map((name) => cpuMs(result.cpuSecondsPerSaga[name])),
        walKb(result),
        count(syscallsOfApps(result, REFERENCE_APP_NAMES)),
        perSagaCount(result.transactionsPerSaga),
        result.machine.busyCores.toFixed(2),
        result.machine.loadAverage1m.toFixed(2),
      ]),
    ),
  ];
}

function microSection({ postgres, rabbitmq }) {
  const row = (name, unit, result) => [
    name,
    result.level,
    `${result.perSecond.toFixed(0)} ${unit}/s`,
    triple(result.latencyMs.client),
    result.machine.busyCores.toFixed(2),
  ];
  return [
    '## Micro-benchmarks',
    table(
      ['benchmark', 'in flight', 'rate', 'p50 / p95 / p99 ms', 'machine busy cores'],
      [
        ...(postgres ? [row('PostgreSQL two-statement transactions', 'tx', postgres)] : []),
        ...(rabbitmq ? [row('RabbitMQ confirmed round trips, quorum queue', 'rt', rabbitmq)] : []),
      ],
    ),
  ];
}

function ratiosSection(ratios) {
  return [
    '## Sagaflow per step (4 steps; the reference 3)',
    table(
      [
        'driver',
        'in flight',
        'steps/s',
        'reference is … faster',
        'of PostgreSQL tx/s',
        'of RabbitMQ round trips/s',
        'CPU per step vs reference',
      ],
      ratios.map((r) => [
        r.driver,
        r.level,
        r.stepsPerSecond.toFixed(1),
        times(r.vsReference),
        percent(r.vsPostgresTransactions),
        percent(r.vsRabbitmqRoundTrips),
        r.cpuPerStepVsReference ? `${r.cpuPerStepVsReference.toFixed(1)}×` : '–',
      ]),
    ),
  ];
}

export function renderMarkdown(results) {
  const { sagaflow: parts, reference, micro, ratios } = results;
  const sagaflow = [
    ...(parts.gateway ?? []).map((result) => ({ driver: 'gateway', result })),
    ...(parts.orchestrator ?? []).map((result) => ({ driver: 'orchestrator', result })),
    ...(parts.mixed ? [{ driver: 'mixed (gateway)', result: parts.mixed }] : []),
  ];
  const sections = [header(results)];
  if (sagaflow.length) {
    sections.push(
      placeOrderSection(sagaflow, parts.mixed),
      cpuSection(sagaflow),
      countSection(sagaflow),
      memorySection(sagaflow, parts.peakRssSinceStartMb),
    );
  }
  if (parts.idle) sections.push(idleSection(parts.idle));
  if (parts.proxy) sections.push(proxySection(parts.proxy));
  if (reference.length) sections.push(referenceSection(reference));
  if (micro.postgres || micro.rabbitmq) sections.push(microSection(micro));
  if (ratios.length) sections.push(ratiosSection(ratios));
  return `${sections.flat().join('\n\n')}\n`;
}

import { INSTANCES, PROCESSES } from './layout.mjs';

/** Every kind of fault the harness injects on its schedule, with what it does. */
export const FAULT_KINDS = {
  kill: 'SIGKILL of one instance (any app, the gateway too), restarted after a delay',
  'broker-restart': 'RabbitMQ stop_app, down for a while, start_app + await_startup',
  'db-restart': 'PostgreSQL stopped (-m fast), down for a while, started again',
  'broker-cut': "one instance's RabbitMQ connections dropped; new ones refused for a while",
  'db-cut': "one instance's PostgreSQL connections dropped; new ones refused for a while",
  'broker-latency': "latency on one instance's RabbitMQ traffic, both ways, for a while",
  'db-latency': "latency on one instance's PostgreSQL traffic, both ways, for a while",
  redeliver: 'recent commands or replies delivered again, late and shuffled (broker-side copies)',
};

const APP_INSTANCES = INSTANCES.map((instance) => instance.name);
const ALL_PROCESSES = PROCESSES.map((proc) => proc.name);

/** What one fault of a kind does, drawn from the kind's own generator. */
const PARAMETERS = {
  kill: (rng) => ({ target: rng.pick(ALL_PROCESSES), restartAfterMs: rng.int(500, 3000) }),
  'broker-restart': (rng) => ({ downMs: rng.int(0, 2000) }),
  'db-restart': (rng) => ({ downMs: rng.int(0, 2000) }),
  'broker-cut': (rng) => ({ target: rng.pick(APP_INSTANCES), refuseMs: rng.int(0, 3000) }),
  'db-cut': (rng) => ({ target: rng.pick(APP_INSTANCES), refuseMs: rng.int(0, 3000) }),
  'broker-latency': (rng) => ({
    target: rng.pick(APP_INSTANCES),
    latencyMs: rng.int(20, 400),
    forMs: rng.int(2000, 8000),
  }),
  'db-latency': (rng) => ({
    target: rng.pick(APP_INSTANCES),
    latencyMs: rng.int(20, 400),
    forMs: rng.int(2000, 8000),
  }),
  redeliver: (rng) => ({ source: rng.pick(['commands', 'replies']), messages: rng.int(5, 30) }),
};

/**
 * The faults of a run, from the seed alone: each kind's faults spread evenly over the window
 * (one per equal slot, at a random point of it), so no stretch of the run is spared. Each kind
 * draws from its own generator: changing one kind's count leaves the others' times unchanged.
 */
export function buildSchedule(rng, counts, { startMs, windowMs }) {
  const faults = [];
  for (const kind of Object.keys(FAULT_KINDS)) {
    const count = counts[kind] ?? 0;
    const kindRng = rng.fork(kind);
    const slot = windowMs / Math.max(count, 1);
    for (let i = 0; i < count; i += 1) {
      const at = Math.round(startMs + slot * i + kindRng.next() * slot * 0.9);
      faults.push({ at, kind, ...PARAMETERS[kind](kindRng) });
    }
  }
  faults.sort((a, b) => a.at - b.at || a.kind.localeCompare(b.kind));
  return faults.map((fault, i) => ({ id: i + 1, ...fault }));
}

const NOT_PARAMETERS = ['id', 'startedAt', 'endedAt', 'outcome', 'note'];

/** One line of the printed schedule. */
export function describeFault({ at, kind, target, ...rest }) {
  const details = Object.entries(rest)
    .filter(([key]) => !NOT_PARAMETERS.includes(key))
    .map(([key, value]) => `${key}=${value}`)
    .join(' ');
  const when = `t+${(at / 1000).toFixed(1)}s`.padStart(9);
  return `${when}  ${kind.padEnd(14)} ${(target ?? '-').padEnd(19)} ${details}`;
}

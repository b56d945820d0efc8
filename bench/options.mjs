// The bench's command line. Durations are in seconds; every default is the full run's.
import { parseArgs } from 'node:util';

export const USAGE = `Usage: npm run bench [-- <mode>] [-- options]

Modes:
  system (default)   the five apps under place-order load, beside a minimal reference saga
  participant        one participant's messaging path (the order app alone); see --messages
  compare A.json B.json   two runs' results.json side by side: what moved, and whether it
                     stayed within 10 % (npm run bench:compare -- A.json B.json; runs nothing)

Options of the system mode:
  --levels 1,8,32,128      sagas in flight, one level after another
  --duration 20            measured seconds per level
  --warmup 5               seconds per level before measuring
  --prewarm 10             seconds at 8 in flight before the first level (JIT, pools, queues)
  --idle 10                seconds with no saga in flight, before the first level: what the
                           apps' timers, probes and health checks cost on their own
  --mixed-level 32         sagas in flight in the mixed run (approve, decline, no credit)
  --parts gateway,orchestrator,mixed,proxy,reference,micro   what to run
  --proxy-requests 2000    reads per loop of the proxy part (what the gateway adds to a read;
                           3 rounds, each: its liveness probe, straight at order, through it)
  --micro-duration 5       measured seconds of each micro-benchmark
  --profile                each app runs under node --cpu-prof (bench/profiles/<run>/)
  --smoke                  a few seconds of one level of everything: keeps the script working
  --out bench/results      where the run's folder goes (results.json, results.md, logs/)
  --keep-database          leave the bench's databases behind for a look
  --note "..."             a line for the report: how quiet the machine was, what changed
`;

const PARTS = ['gateway', 'orchestrator', 'mixed', 'proxy', 'reference', 'micro'];
/** Rounds of the proxy part: alternating loops, so the machine's drift falls on each alike. */
const PROXY_ROUNDS = 3;

const SMOKE = {
  levels: [8],
  duration: 2,
  warmup: 0.5,
  prewarm: 0,
  idle: 1,
  mixedLevel: 8,
  microDuration: 1,
  proxyRequests: 50,
  proxyRounds: 1,
};

const list = (value) =>
  value
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);

function seconds(name, value) {
  const number = Number(value);
  if (!Number.isFinite(number) || number < 0) throw new Error(`--${name} must be a number ≥ 0`);
  return number;
}

function count(name, value) {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1)
    throw new Error(`--${name} must be whole numbers ≥ 1`);
  return number;
}

export function parseOptions(argv) {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      levels: { type: 'string', default: '1,8,32,128' },
      duration: { type: 'string', default: '20' },
      warmup: { type: 'string', default: '5' },
      prewarm: { type: 'string', default: '10' },
      idle: { type: 'string', default: '10' },
      'mixed-level': { type: 'string', default: '32' },
      parts: { type: 'string', default: PARTS.join(',') },
      'micro-duration': { type: 'string', default: '5' },
      'proxy-requests': { type: 'string', default: '2000' },
      profile: { type: 'boolean', default: false },
      smoke: { type: 'boolean', default: false },
      out: { type: 'string', default: 'bench/results' },
      'keep-database': { type: 'boolean', default: false },
      note: { type: 'string' },
      messages: { type: 'string', default: '3000' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const mode = positionals[0] ?? 'system';
  if (!['system', 'participant', 'compare'].includes(mode)) {
    throw new Error(`Unknown mode "${mode}"`);
  }
  const files = positionals.slice(1);
  if (mode === 'compare' && files.length !== 2) {
    throw new Error('compare takes two results.json files: the earlier run, then the later one');
  }
  const parts = list(values.parts);
  const unknown = parts.filter((part) => !PARTS.includes(part));
  if (unknown.length) throw new Error(`Unknown --parts ${unknown.join(', ')} (of ${PARTS})`);
  const options = {
    mode,
    help: values.help,
    levels: list(values.levels).map((level) => count('levels', level)),
    duration: seconds('duration', values.duration),
    warmup: seconds('warmup', values.warmup),
    prewarm: seconds('prewarm', values.prewarm),
    idle: seconds('idle', values.idle),
    mixedLevel: count('mixed-level', values['mixed-level']),
    microDuration: seconds('micro-duration', values['micro-duration']),
    proxyRequests: count('proxy-requests', values['proxy-requests']),
    proxyRounds: PROXY_ROUNDS,
    parts,
    profile: values.profile,
    smoke: values.smoke,
    out: values.out,
    keepDatabase: values['keep-database'],
    note: values.note,
    messages: count('messages', values.messages),
    files,
  };
  if (options.duration === 0 || options.microDuration === 0) {
    throw new Error('--duration and --micro-duration must be more than 0 s');
  }
  return options.smoke ? { ...options, ...SMOKE } : options;
}

import { parseArgs } from 'node:util';
import { freshSeed } from './random.mjs';
import { FAULT_KINDS } from './schedule.mjs';

const KINDS = Object.keys(FAULT_KINDS);
const each = (count) => Object.fromEntries(KINDS.map((kind) => [kind, count]));

/** `npm run chaos`: the full run of issue 10. */
const FULL = {
  orders: 2000,
  // ~5.5 minutes of load: 20 RabbitMQ restarts of ~8 s each still leave the broker up most of it.
  rate: 6,
  clients: 64,
  faults: each(20),
  settleTimeoutS: 300,
};

/** `--short`: what `npm test` runs, well under three minutes. */
const SHORT = {
  orders: 200,
  rate: 5,
  clients: 32,
  faults: { ...each(2), kill: 4, 'broker-restart': 1, 'db-restart': 1 },
  settleTimeoutS: 90,
};

export const USAGE = `Usage: npm run chaos -- [options]   (hold /tmp/sagaflow-db.lock: it stops PostgreSQL and RabbitMQ)
  --short                   the short variant of npm test (${SHORT.orders} orders, a few faults of each kind)
  --seed N                  replay a run: the same orders and the same fault schedule
  --orders N                orders to place (default ${FULL.orders})
  --rate N                  orders started per second (default ${FULL.rate})
  --duration S              spread the orders over S seconds (sets the rate)
  --clients N               concurrent clients at most (default ${FULL.clients})
  --faults N|kind=N,...     faults of every kind, or per kind (default ${FULL.faults.kill} each);
                            kinds: ${KINDS.join(', ')}
  --no-infra                no PostgreSQL or RabbitMQ restarts
  --slow F                  share of tok_slow orders (default 0.05)
  --double-submit F         share of orders submitted twice at once with one key (default 0.05)
  --messaging-chaos LIST    duplicate,reorder (default) or off: MESSAGING_CHAOS for every app
  --messaging-chaos-rate F  share of messages the apps duplicate or reorder (default 0.05)
  --availability F          least share of valid approve-path orders approved (default 0.99)
  --settle-timeout S        how long to wait for every saga to end (default ${FULL.settleTimeoutS})
  --log-level LEVEL         the apps' LOG_LEVEL (default info)
  --out DIR                 where reports go (default chaos/results)
  --keep                    leave the run's queues on the broker (the database always stays)`;

export function parseOptions(argv) {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      short: { type: 'boolean', default: false },
      seed: { type: 'string' },
      orders: { type: 'string' },
      rate: { type: 'string' },
      duration: { type: 'string' },
      clients: { type: 'string' },
      faults: { type: 'string' },
      'no-infra': { type: 'boolean', default: false },
      slow: { type: 'string', default: '0.05' },
      'double-submit': { type: 'string', default: '0.05' },
      'messaging-chaos': { type: 'string', default: 'duplicate,reorder' },
      'messaging-chaos-rate': { type: 'string', default: '0.05' },
      availability: { type: 'string', default: '0.99' },
      'settle-timeout': { type: 'string' },
      'log-level': { type: 'string', default: 'info' },
      out: { type: 'string', default: 'chaos/results' },
      keep: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  const preset = values.short ? SHORT : FULL;
  const orders = count(values.orders, preset.orders, '--orders');
  const rate = values.duration
    ? orders / positive(values.duration, '--duration')
    : positive(values.rate ?? String(preset.rate), '--rate');
  const faults = faultCounts(values.faults, preset.faults);
  if (values['no-infra']) Object.assign(faults, { 'broker-restart': 0, 'db-restart': 0 });
  return {
    help: values.help,
    variant: values.short ? 'short' : 'full',
    seed: values.seed === undefined ? freshSeed() : count(values.seed, 0, '--seed'),
    orders,
    rate,
    clients: count(values.clients, preset.clients, '--clients'),
    faults,
    slowShare: fraction(values.slow, '--slow'),
    doubleSubmitShare: fraction(values['double-submit'], '--double-submit'),
    messagingChaos: messagingChaosOf(values['messaging-chaos']),
    messagingChaosRate: fraction(values['messaging-chaos-rate'], '--messaging-chaos-rate'),
    availabilityThreshold: fraction(values.availability, '--availability'),
    settleTimeoutMs:
      count(values['settle-timeout'], preset.settleTimeoutS, '--settle-timeout') * 1000,
    logLevel: values['log-level'],
    outDir: values.out,
    keepQueues: values.keep,
  };
}

function faultCounts(value, preset) {
  if (value === undefined) return { ...preset };
  if (/^\d+$/.test(value)) return each(Number(value));
  const counts = { ...preset };
  for (const entry of value.split(',')) {
    const [kind, n] = entry.split('=');
    if (!KINDS.includes(kind))
      throw new Error(`--faults: unknown kind ${kind} (${KINDS.join(', ')})`);
    counts[kind] = count(n, 0, `--faults ${kind}`);
  }
  return counts;
}

function messagingChaosOf(value) {
  if (value === 'off' || value === '') return [];
  const kinds = value.split(',');
  for (const kind of kinds) {
    if (!['duplicate', 'reorder'].includes(kind)) {
      throw new Error(`--messaging-chaos: ${kind} is not duplicate, reorder or off`);
    }
  }
  return kinds;
}

function count(value, fallback, flag) {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value)) throw new Error(`${flag} must be a whole number (got ${value})`);
  return Number(value);
}

function positive(value, flag) {
  const number = Number(value);
  if (!(number > 0)) throw new Error(`${flag} must be a positive number (got ${value})`);
  return number;
}

function fraction(value, flag) {
  const number = Number(value);
  if (!(number >= 0 && number <= 1))
    throw new Error(`${flag} must be between 0 and 1 (got ${value})`);
  return number;
}

import { setTimeout as sleep } from 'node:timers/promises';
import { redeliver } from './broker-tap.mjs';
import { postgres, rabbitmq } from './infrastructure.mjs';
import { describeFault } from './schedule.mjs';

/**
 * Applies a schedule's faults at their times. Faults on the same resource (an instance, a proxy,
 * the broker, the database) run one after another, so a restart is never cut short by the next
 * fault on the same thing; faults on different resources overlap freely.
 */
export class FaultRunner {
  constructor({ system, rng, log }) {
    this.system = system;
    this.rng = rng;
    this.log = log;
    this.chains = new Map();
    this.results = [];
  }

  /** Runs the whole schedule from `startedAt` (ms epoch); resolves when every fault is over. */
  async run(schedule, startedAt) {
    const done = [];
    for (const fault of schedule) {
      const due = startedAt + fault.at;
      if (due > Date.now()) await sleep(due - Date.now());
      done.push(this.enqueue(fault, startedAt));
    }
    await Promise.all(done);
    return this.results;
  }

  enqueue(fault, startedAt) {
    const resource = resourceOf(fault);
    const previous = this.chains.get(resource) ?? Promise.resolve();
    const next = previous.then(() => this.apply(fault, startedAt));
    this.chains.set(resource, next);
    return next;
  }

  async apply(fault, startedAt) {
    const began = Date.now();
    const result = { ...fault, startedAt: began - startedAt, outcome: 'applied', note: '' };
    try {
      const note = await APPLY[fault.kind](this, fault);
      if (note) result.note = note;
    } catch (error) {
      result.outcome = 'failed';
      result.note = error.message;
    }
    result.endedAt = Date.now() - startedAt;
    this.results.push(result);
    this.log(
      `fault ${describeFault({ ...fault, at: result.startedAt })}: ${result.outcome}${result.note ? ` (${result.note})` : ''}`,
    );
    return result;
  }

  async kill({ target, restartAfterMs }) {
    const killed = await this.system.kill(target);
    await sleep(restartAfterMs);
    this.system.restart(target);
    return killed ? '' : 'was not running; started';
  }

  async brokerRestart({ downMs }) {
    try {
      await rabbitmq.stop();
      await sleep(downMs);
    } finally {
      await rabbitmq.start();
    }
  }

  async dbRestart({ downMs }) {
    try {
      await postgres.stop();
      await sleep(downMs);
    } finally {
      await postgres.start();
    }
  }

  async cut({ target, refuseMs }, link) {
    await this.system.proxies.cut(`${target}/${link}`, refuseMs);
    await sleep(refuseMs);
  }

  async latency({ target, latencyMs, forMs }, link) {
    const proxy = `${target}/${link}`;
    await this.system.proxies.delay(proxy, latencyMs);
    try {
      await sleep(forMs);
    } finally {
      await this.system.proxies.delay(proxy, 0);
    }
  }

  async redeliver({ source, messages }) {
    const types = await redeliver(source, messages, this.rng);
    return `${types.length} ${source} re-delivered`;
  }
}

/** How each kind of fault is applied. */
const APPLY = {
  kill: (runner, fault) => runner.kill(fault),
  'broker-restart': (runner, fault) => runner.brokerRestart(fault),
  'db-restart': (runner, fault) => runner.dbRestart(fault),
  'broker-cut': (runner, fault) => runner.cut(fault, 'amqp'),
  'db-cut': (runner, fault) => runner.cut(fault, 'db'),
  'broker-latency': (runner, fault) => runner.latency(fault, 'amqp'),
  'db-latency': (runner, fault) => runner.latency(fault, 'db'),
  redeliver: (runner, fault) => runner.redeliver(fault),
};

/** What a fault holds while it runs: the next fault on the same resource waits for it. */
function resourceOf({ kind, target }) {
  if (kind === 'kill') return `process:${target}`;
  if (kind === 'broker-restart') return 'rabbitmq';
  if (kind === 'db-restart') return 'postgresql';
  // A cut and a latency on the same proxy may overlap; two of the same kind may not.
  if (kind.startsWith('broker-') || kind.startsWith('db-')) return `${kind}:${target}`;
  return kind;
}

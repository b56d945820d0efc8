import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ROOT } from './support/app-process.js';

/** The fields of one level that bench/report.mjs and a reader of the JSON rely on. */
interface LevelResult {
  level: number;
  perSecond: number;
  completed: number;
  succeeded: number;
  errors: number;
  firstError?: string;
  latencyMs: Record<string, { p50: number | null; p95: number | null; p99: number | null }>;
  cpuSecondsPerSaga: Record<string, number | null>;
  syscallsPerSaga: Record<string, number | null>;
  transactionsPerSaga?: number;
  cpuCores: Record<string, number>;
  peakRssMb: Record<string, number>;
  machine: { busyCores: number; loadAverage1m: number };
  byPath?: Record<string, Record<string, number>>;
}

interface BenchResults {
  smoke: boolean;
  machine: Record<string, unknown>;
  sagaflow: {
    gateway: LevelResult[];
    orchestrator: LevelResult[];
    mixed: LevelResult;
    idle: {
      seconds: number;
      cpuMsPerSecond: Record<string, number | null>;
      wakeupsPerSecond: Record<string, number | null>;
    };
    peakRssSinceStartMb: Record<string, number>;
    proxy: {
      requests: number;
      rounds: Record<
        'door' | 'straight' | 'gateway',
        {
          latencyMs: { p50: number; p95: number; p99: number };
          cpuMsPerRequest: Record<'gateway' | 'order', number | null>;
        }
      >[];
      addedP50Ms: number;
    };
  };
  reference: LevelResult[];
  micro: { postgres: LevelResult; rabbitmq: LevelResult };
  ratios: {
    driver: 'gateway' | 'orchestrator';
    level: number;
    stepsPerSecond: number;
    cpuPerStepVsReference: number | null;
  }[];
}

const APPS = ['gateway', 'saga-orchestrator', 'order', 'credit', 'payment'];
const OTHER_USERS_PROCESSES = ['postgres', 'rabbitmq'];
/** A percentile is null when nothing ended inside the (short) window; the keys are always there. */
function expectPercentiles(latency: Record<string, number | null> | undefined): void {
  expect(Object.keys(latency ?? {})).toEqual(['p50', 'p95', 'p99']);
  for (const value of Object.values(latency ?? {})) {
    expect(value === null || typeof value === 'number').toBe(true);
  }
}

function runBench(out: string): Promise<void> {
  // The apps get an environment of the bench's own; jest's VM flag is not for them either.
  const { NODE_OPTIONS: _jestFlags, ...env } = process.env;
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['scripts/bench.mjs', '--smoke', '--out', out],
      { cwd: ROOT, env, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) =>
        error
          ? reject(new Error(`${error.message}\n${stdout.slice(-4000)}\n${stderr}`))
          : resolve(),
    );
  });
}

/**
 * The full bench is never a test (its figures depend on the machine); its smoke mode is, so the
 * script keeps working as the apps change: every part runs one short level and writes its JSON.
 */
describe('the whole-system bench, in smoke mode', () => {
  let out: string;
  let results: BenchResults;
  let markdown: string;

  beforeAll(async () => {
    out = await mkdtemp(join(tmpdir(), 'sagaflow-bench-'));
    await runBench(out);
    const [run] = await readdir(out);
    results = JSON.parse(await readFile(join(out, run, 'results.json'), 'utf8')) as BenchResults;
    markdown = await readFile(join(out, run, 'results.md'), 'utf8');
  }, 150_000);

  afterAll(async () => {
    await rm(out, { recursive: true, force: true });
  });

  it('describes the machine it ran on', () => {
    expect(results.smoke).toBe(true);
    expect(results.machine).toMatchObject({
      cpus: expect.any(Number),
      memoryGb: expect.any(Number),
      node: expect.any(String),
      postgres: expect.any(String),
      rabbitmq: expect.any(String),
      loadAverage: { start: expect.any(Number), end: expect.any(Number) },
    });
  });

  it('drives place-order through the gateway and straight at the orchestrator, without errors', () => {
    const levels = [...results.sagaflow.gateway, ...results.sagaflow.orchestrator];
    expect(levels).toHaveLength(2);
    for (const level of levels) {
      expect(level.firstError).toBeUndefined();
      expect(level).toMatchObject({ level: 8, errors: 0 });
      expect(level.succeeded).toBeGreaterThan(0);
      expect(level.perSecond).toEqual(expect.any(Number));
      expectPercentiles(level.latencyMs.server);
      expectPercentiles(level.latencyMs.client);
      expectPercentiles(level.latencyMs.accepted);
    }
  });

  it('measures CPU per saga of every process and the memory of every app', () => {
    for (const level of [...results.sagaflow.gateway, ...results.sagaflow.orchestrator]) {
      expect(Object.keys(level.cpuCores).sort()).toEqual(
        [...APPS, 'postgres', 'rabbitmq', 'driver'].sort(),
      );
      expect(Object.keys(level.cpuSecondsPerSaga).sort()).toEqual(
        Object.keys(level.cpuCores).sort(),
      );
      expect(Object.keys(level.peakRssMb).sort()).toEqual([...APPS].sort());
      expect(level.cpuCores['saga-orchestrator']).toBeGreaterThan(0);
      expect(level.peakRssMb.gateway).toBeGreaterThan(0);
    }
    expect(Object.keys(results.sagaflow.peakRssSinceStartMb).sort()).toEqual([...APPS].sort());
  });

  it('measures what each app costs with no saga in flight', () => {
    const { seconds, cpuMsPerSecond, wakeupsPerSecond } = results.sagaflow.idle;
    expect(seconds).toBeGreaterThan(0);
    expect(Object.keys(cpuMsPerSecond).sort()).toEqual([...APPS].sort());
    expect(Object.keys(wakeupsPerSecond).sort()).toEqual([...APPS].sort());
    // A running Node process wakes for its own timers (health checks, polls): never none.
    for (const app of APPS) expect(wakeupsPerSecond[app]).toBeGreaterThan(0);
    expect(markdown).toContain('## Idle (no saga in flight)');
  });

  it('measures what the gateway adds to a read, beside the same read straight at order', () => {
    const { requests, rounds, addedP50Ms } = results.sagaflow.proxy;
    expect(requests).toBe(50);
    expect(rounds).toHaveLength(1);
    const [round] = rounds;
    for (const read of Object.values(round)) {
      expect(read.latencyMs.p50).toBeGreaterThan(0);
      expect(read.latencyMs.p99).toBeGreaterThanOrEqual(read.latencyMs.p50);
    }
    // Each loop charges the processes the read went through.
    expect(round.door.cpuMsPerRequest.gateway).toBeGreaterThan(0);
    expect(round.straight.cpuMsPerRequest.order).toBeGreaterThan(0);
    expect(round.gateway.cpuMsPerRequest.gateway).toBeGreaterThan(0);
    expect(round.gateway.cpuMsPerRequest.order).toBeGreaterThan(0);
    expect(addedP50Ms).toBeCloseTo(round.gateway.latencyMs.p50 - round.straight.latencyMs.p50, 2);
    expect(markdown).toContain('## What the gateway adds to a read');
  });

  it('counts system calls and PostgreSQL transactions per saga, beside the reference', () => {
    // The gateway takes no part in a saga started straight at the orchestrator: it may count 0.
    const runs = [
      ...results.sagaflow.gateway.map((level) => ({ level, bystanders: [] as string[] })),
      ...results.sagaflow.orchestrator.map((level) => ({ level, bystanders: ['gateway'] })),
      ...results.reference.map((level) => ({ level, bystanders: [] as string[] })),
    ];
    for (const { level, bystanders } of runs) {
      expect(Object.keys(level.syscallsPerSaga).sort()).toEqual(
        Object.keys(level.cpuSecondsPerSaga).sort(),
      );
      const { completed, syscallsPerSaga, transactionsPerSaga } = level;
      if (completed === 0) continue;
      // Every process on a saga's path reads and writes sockets: none counted is a broken meter.
      // The bench's own processes are always readable; PostgreSQL's and RabbitMQ's only with
      // CAP_SYS_PTRACE, so theirs may be unknown (null), but never a made-up 0.
      const counted = (name: string, calls: number | null) => {
        if (calls === null) return OTHER_USERS_PROCESSES.includes(name);
        return bystanders.includes(name) || calls > 0;
      };
      const uncounted = Object.entries(syscallsPerSaga)
        .filter(([name, calls]) => !counted(name, calls))
        .map(([name, calls]) => `${name}: ${String(calls)}`);
      expect(uncounted).toEqual([]);
      expect(transactionsPerSaga).toBeGreaterThan(0);
    }
    expect(markdown).toContain('## System calls and transactions per completed saga');
  });

  it('ends each path of the mixed run as the saga says: approved, declined, no credit', () => {
    const { byPath } = results.sagaflow.mixed;
    expect(results.sagaflow.mixed.errors).toBe(0);
    expect(Object.keys(byPath ?? {}).sort()).toEqual(['approve', 'decline', 'insufficient-credit']);
    expect(Object.keys(byPath?.approve ?? {})).toEqual(['COMPLETED']);
    expect(Object.keys(byPath?.decline ?? {})).toEqual(['COMPENSATED']);
    expect(Object.keys(byPath?.['insufficient-credit'] ?? {})).toEqual(['COMPENSATED']);
  });

  it('compares CPU per step with the reference without the driver, which the reference does not count', () => {
    // The reference's figures count its apps, PostgreSQL and RabbitMQ; so must Sagaflow's side.
    const systemCpu = (cpu: Record<string, number | null>) =>
      Object.entries(cpu).reduce(
        (total, [name, seconds]) => total + (name === 'driver' ? 0 : (seconds ?? 0)),
        0,
      );
    const compared = results.ratios.map((ratio) => {
      const level = results.sagaflow[ratio.driver].find((result) => result.level === ratio.level);
      const reference = results.reference.find((result) => result.level === ratio.level);
      const expected =
        level && reference
          ? systemCpu(level.cpuSecondsPerSaga) / 4 / (systemCpu(reference.cpuSecondsPerSaga) / 3)
          : undefined;
      return { ratio: ratio.cpuPerStepVsReference, expected };
    });
    expect(compared).toHaveLength(2);
    for (const { ratio, expected } of compared) {
      expect(expected).toEqual(expect.any(Number));
      expect(ratio).toBeCloseTo(expected ?? Number.NaN, 1);
    }
    expect(markdown).toContain('system: every process but the driver');
  });

  it('runs the reference saga and both micro-benchmarks beside it, and compares per step', () => {
    expect(results.reference).toHaveLength(1);
    expect(results.reference[0]).toMatchObject({ level: 8, errors: 0 });
    expect(results.reference[0].succeeded).toBeGreaterThan(0);
    expect(results.micro.postgres.perSecond).toBeGreaterThan(0);
    expect(results.micro.rabbitmq.perSecond).toBeGreaterThan(0);
    expect(results.ratios.map(({ driver, level }) => `${driver} ${level}`)).toEqual([
      'gateway 8',
      'orchestrator 8',
    ]);
    expect(markdown).toContain('## Place-order');
    expect(markdown).toContain('## Reference: minimal saga');
  });
});

import { describe, expect, it } from '@jest/globals';
import { checkInvariants } from './invariants.mjs';
import { Random } from './random.mjs';
import { faultsByKind, toMarkdown } from './report.mjs';
import { buildSchedule } from './schedule.mjs';
import { settledRun } from './settled-run.fixture.mjs';

function aReport() {
  const verdict = checkInvariants(settledRun());
  const schedule = buildSchedule(
    new Random(1),
    { kill: 2, 'db-restart': 1 },
    { startMs: 0, windowMs: 10_000 },
  );
  const executed = schedule.map((fault) => ({
    ...fault,
    startedAt: fault.at,
    endedAt: fault.at + 1500,
    outcome: fault.kind === 'db-restart' ? 'failed' : 'applied',
    note: fault.kind === 'db-restart' ? 'pg_ctlcluster failed' : '',
  }));
  return {
    run: {
      id: 'run-1',
      seed: 1,
      replay: 'npm run chaos -- --seed 1',
      variant: 'short',
      startedAt: '2026-11-30T00:00:00.000Z',
      rate: 5,
      clients: 32,
      availabilityThreshold: 0.99,
      messagingChaos: ['duplicate'],
    },
    load: { orders: 3, customers: 1, durationMs: 10_000 },
    settle: { settled: true, ms: 1200 },
    phases: { start: 15_000, load: 10_000 },
    machine: { cpus: 2, loadAtStart: 1.5, loadAtEnd: 2.5 },
    verdict: { ok: true },
    ...verdict,
    faults: { byKind: faultsByKind(schedule, executed), executed },
    messagingChaos: { summary: 'not supported by this build; skipped' },
    crashes: [{ name: 'payment-2', code: 1, signal: null, at: '2026-11-30T00:00:05.000Z' }],
  };
}

describe('the report', () => {
  it('counts faults per kind: scheduled, applied, failed and how long they lasted', () => {
    expect(aReport().faults.byKind).toMatchObject({
      kill: { scheduled: 2, applied: 2, failed: 0, totalMs: 3000 },
      'db-restart': { scheduled: 1, applied: 0, failed: 1, totalMs: 1500 },
      redeliver: { scheduled: 0, applied: 0, failed: 0, totalMs: 0 },
    });
  });

  it('tells the seed, the verdict, the availability, the faults and the crashes in Markdown', () => {
    const markdown = toMarkdown(aReport());
    expect(markdown).toContain('# Chaos run run-1: PASSED');
    expect(markdown).toContain('Seed **1** (replay: `npm run chaos -- --seed 1`)');
    expect(markdown).toContain('| availability | ok | 0 |');
    expect(markdown).toContain('1 of 1 valid approve-path orders approved: **100.00 %**');
    expect(markdown).toMatch(/\| kill \| 2 \| 2 \| 0 \| 3\.0 s/);
    expect(markdown).toContain('db-restart');
    expect(markdown).toContain('failed (pg_ctlcluster failed)');
    expect(markdown).toContain('payment-2 (exit 1');
    expect(markdown).toContain('load average 1.5 at the start');
  });
});

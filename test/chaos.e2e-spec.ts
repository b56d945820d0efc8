import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { ROOT } from './support/app-process.js';

interface ChaosReport {
  checks: { name: string; ok: boolean; violations: number; examples: string[] }[];
  availability: { valid: number; approved: number; share: number };
  faults: { byKind: Record<string, { scheduled: number; applied: number; failed: number }> };
  load: { orders: number };
}

/**
 * The short chaos run (`npm run chaos -- --short`, the harness in chaos/): two instances of every
 * app, 200 orders, a few faults of every kind (PostgreSQL and RabbitMQ restarts included) on a
 * fixed seed, then every invariant and the availability. The harness takes the shared lock itself
 * unless it already runs under it. Its report and the apps' logs stay in chaos/results/.
 */
const AVAILABILITY_CHECK = 'availability';
/**
 * The full run's bar is 99 %; 200 orders on a shared CI machine allow a few misses more (the
 * seed-1 run approved 140 of 140 on this build, 116-137 before deadlines waited out outages).
 */
const SHORT_RUN_AVAILABILITY = 0.97;

describe('the short chaos run', () => {
  let harness: ChildProcess | undefined;

  afterAll(async () => {
    // Timed out: SIGTERM lets the harness stop the apps and restore PostgreSQL and RabbitMQ.
    if (harness && harness.exitCode === null && harness.signalCode === null) {
      const exited = new Promise((resolve) => harness?.once('exit', resolve));
      harness.kill('SIGTERM');
      await exited;
    }
  }, 60_000);

  function runChaos(args: string[]): Promise<{ code: number | null; output: string }> {
    return new Promise((resolve) => {
      const child = spawn(process.execPath, ['chaos/run.mjs', ...args], {
        cwd: ROOT,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      harness = child;
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.once('exit', (code) => resolve({ code, output }));
    });
  }

  it('keeps every invariant through every kind of fault, and reports availability', async () => {
    const { code, output } = await runChaos(['--short', '--seed', '1']);
    const written = /report: (\S+\.json) and/.exec(output);
    if (!written) throw new Error(`the harness wrote no report:\n${output.slice(-5000)}`);
    const report = JSON.parse(readFileSync(join(ROOT, written[1]), 'utf8')) as ChaosReport;

    expect(report.load.orders).toBe(200);
    for (const [kind, faults] of Object.entries(report.faults.byKind)) {
      expect({ kind, applied: faults.applied, failed: faults.failed }).toEqual({
        kind,
        applied: faults.scheduled,
        failed: 0,
      });
    }
    expect(report.availability.valid).toBeGreaterThan(100);
    process.stdout.write(
      `chaos availability: ${report.availability.approved}/${report.availability.valid}\n`,
    );
    expect(report.checks.filter((check) => !check.ok && check.name !== AVAILABILITY_CHECK)).toEqual(
      [],
    );
    const { approved, valid } = report.availability;
    expect({ approved, valid, share: approved / valid >= SHORT_RUN_AVAILABILITY }).toEqual({
      approved,
      valid,
      share: true,
    });
    // 2: the run itself broke (as opposed to 1: a check failed).
    expect(code).not.toBe(2);
  }, 420_000);
});

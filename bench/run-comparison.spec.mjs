import { describe, expect, it } from '@jest/globals';
import { compareRuns, renderComparison } from './run-comparison.mjs';

/** One level as results.json holds it, with the fields the comparison reads. */
function level(inFlight, perSecond, { cpuMs = 30, driverMs = 2, p50 = 400 } = {}) {
  return {
    level: inFlight,
    perSecond,
    latencyMs: { server: { p50, p95: p50 * 1.3, p99: p50 * 1.5 } },
    cpuSecondsPerSaga: {
      gateway: cpuMs / 2000,
      'saga-orchestrator': cpuMs / 2000,
      driver: driverMs / 1000,
    },
  };
}

function run(name, { gateway, orchestrator = [], memory = {}, reference = [], micro = {} }) {
  return {
    run: name,
    sagaflow: { gateway, orchestrator, peakRssSinceStartMb: memory },
    reference,
    micro,
  };
}

const MEMORY = { gateway: 170, 'saga-orchestrator': 160, order: 150, credit: 150, payment: 152 };

describe('compareRuns', () => {
  it('finds two runs of the same build the same when every figure moved less than 10 %', () => {
    const earlier = run('a', { gateway: [level(32, 50, { cpuMs: 30, p50: 600 })], memory: MEMORY });
    const later = run('b', {
      gateway: [level(32, 54, { cpuMs: 28.5, p50: 570 })],
      memory: { ...MEMORY, gateway: 175 },
    });

    const comparison = compareRuns(earlier, later);

    expect(comparison.sagaflow).toEqual([
      {
        path: 'gateway',
        level: 32,
        figures: [
          { name: 'sagas/s', earlier: 50, later: 54, change: 0.08, within: true },
          { name: 'system CPU ms/saga', earlier: 30, later: 28.5, change: -0.05, within: true },
          { name: 'server p50 ms', earlier: 600, later: 570, change: -0.05, within: true },
        ],
      },
    ]);
    expect(comparison.memory.find((entry) => entry.name === 'gateway')).toMatchObject({
      earlier: 170,
      later: 175,
      within: true,
    });
    expect({ within: comparison.within, judged: comparison.judged }).toEqual({
      within: 8,
      judged: 8,
    });
  });

  it('flags a figure that moved further, and marks it in the report', () => {
    const earlier = run('a', { gateway: [level(32, 50)], memory: MEMORY });
    const later = run('b', { gateway: [level(32, 40)], memory: { ...MEMORY, order: 190 } });

    const comparison = compareRuns(earlier, later);

    const throughput = comparison.sagaflow[0].figures[0];
    expect(throughput).toMatchObject({ change: -0.2, within: false });
    expect(comparison.memory.find((entry) => entry.name === 'order')).toMatchObject({
      within: false,
    });
    expect(comparison.within).toBe(comparison.judged - 2);
    const markdown = renderComparison(comparison);
    expect(markdown).toContain('50.0 → 40.0 (**−20.0 %**)');
    expect(markdown).toContain('| order | 150 | 190 | **+26.7 %** |');
  });

  it('leaves the driver out of CPU a saga, as the rest of the report does', () => {
    const earlier = run('a', { gateway: [level(32, 50, { cpuMs: 30, driverMs: 1 })] });
    const later = run('b', { gateway: [level(32, 50, { cpuMs: 30, driverMs: 9 })] });

    const cpu = compareRuns(earlier, later).sagaflow[0].figures[1];

    expect(cpu).toMatchObject({ name: 'system CPU ms/saga', change: 0, within: true });
  });

  it('compares only the levels both runs measured', () => {
    const earlier = run('a', {
      gateway: [level(1, 12), level(32, 50)],
      orchestrator: [level(8, 40)],
    });
    const later = run('b', { gateway: [level(32, 51), level(128, 49)] });

    const compared = compareRuns(earlier, later).sagaflow.map((row) => `${row.path} ${row.level}`);

    expect(compared).toEqual(['gateway 32']);
  });

  it('shows the machine’s own drift through the reference saga and the micro-benchmarks', () => {
    const earlier = run('a', {
      gateway: [level(32, 50)],
      reference: [level(32, 300)],
      micro: { postgres: { perSecond: 2000 }, rabbitmq: { perSecond: 10_000 } },
    });
    const later = run('b', {
      gateway: [level(32, 45)],
      reference: [level(32, 270)],
      micro: { postgres: { perSecond: 1800 }, rabbitmq: { perSecond: 10_000 } },
    });

    const comparison = compareRuns(earlier, later);

    expect(comparison.machine.map(({ name, change }) => [name, change])).toEqual([
      ['reference saga at 32: sagas/s', -0.1],
      ['PostgreSQL transactions/s', -0.1],
      ['RabbitMQ round trips/s', 0],
    ]);
    // The machine's drift is context, not a verdict on the build.
    expect(comparison.judged).toBe(3);
    expect(renderComparison(comparison)).toContain(
      '| reference saga at 32: sagas/s | 300.0 | 270.0 | −10.0 % |',
    );
  });
});

import { describe, expect, it } from '@jest/globals';
import { INSTANCES, PROCESSES } from './layout.mjs';
import { Random } from './random.mjs';
import { buildSchedule, describeFault, FAULT_KINDS } from './schedule.mjs';

const counts = Object.fromEntries(Object.keys(FAULT_KINDS).map((kind) => [kind, 20]));
const window = { startMs: 3000, windowMs: 200_000 };

describe('the fault schedule', () => {
  it('is the same for the same seed (a run can be replayed)', () => {
    expect(buildSchedule(new Random(42), counts, window)).toEqual(
      buildSchedule(new Random(42), counts, window),
    );
    expect(buildSchedule(new Random(43), counts, window)).not.toEqual(
      buildSchedule(new Random(42), counts, window),
    );
  });

  it('holds the asked number of each kind, in time order, inside the window', () => {
    const schedule = buildSchedule(new Random(1), { ...counts, redeliver: 3 }, window);
    for (const kind of Object.keys(FAULT_KINDS)) {
      expect(schedule.filter((f) => f.kind === kind)).toHaveLength(kind === 'redeliver' ? 3 : 20);
    }
    const times = schedule.map((f) => f.at);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(Math.min(...times)).toBeGreaterThanOrEqual(3000);
    expect(Math.max(...times)).toBeLessThan(203_000);
  });

  it('spreads each kind over the whole window, one per slot', () => {
    const kills = buildSchedule(new Random(5), { kill: 10 }, { startMs: 0, windowMs: 100_000 });
    kills.forEach((fault, i) => {
      expect(fault.at).toBeGreaterThanOrEqual(i * 10_000);
      expect(fault.at).toBeLessThan((i + 1) * 10_000);
    });
  });

  it("keeps one kind's times when another kind's count changes", () => {
    const kills = (schedule) => schedule.filter((f) => f.kind === 'kill').map((f) => f.at);
    const base = buildSchedule(new Random(9), counts, window);
    const fewerRestarts = buildSchedule(new Random(9), { ...counts, 'db-restart': 1 }, window);
    expect(kills(fewerRestarts)).toEqual(kills(base));
  });

  it('aims kills at any process and proxy faults at app instances only', () => {
    const schedule = buildSchedule(new Random(11), counts, window);
    const names = (list) => list.map((p) => p.name);
    for (const fault of schedule.filter((f) => f.kind === 'kill')) {
      expect(names(PROCESSES)).toContain(fault.target);
    }
    for (const fault of schedule.filter((f) => /-(cut|latency)$/.test(f.kind))) {
      expect(names(INSTANCES)).toContain(fault.target);
    }
  });

  it('prints one readable line per fault', () => {
    const line = describeFault({
      id: 1,
      at: 12_345,
      kind: 'kill',
      target: 'order-2',
      restartAfterMs: 900,
    });
    expect(line).toMatch(/^\s*t\+12\.3s\s+kill\s+order-2\s+restartAfterMs=900$/);
  });
});

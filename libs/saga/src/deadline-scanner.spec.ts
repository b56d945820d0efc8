import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { DeadlineScanner, RECOVERY_GRACE_MS } from './deadline-scanner.js';
import type { SagaEngine } from './saga-engine.js';

/** An engine whose database is up or down, recording what each expiry was told. */
class FakeEngine {
  databaseUp = true;
  overdue = 0;
  readonly told: (string | undefined)[] = [];

  expireNext(options: { unsure?: string } = {}): Promise<boolean> {
    if (!this.databaseUp) return Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:5432'));
    if (this.overdue === 0) return Promise.resolve(false);
    this.overdue -= 1;
    this.told.push(options.unsure);
    return Promise.resolve(true);
  }
}

describe(DeadlineScanner.name, () => {
  afterEach(() => {
    jest.useRealTimers();
  });
  const scannerOn = (engine: FakeEngine) =>
    new DeadlineScanner(engine as unknown as SagaEngine, { deadlineScanIntervalMs: 250 } as never);

  it('holds overdue replies against participants while it has always been able to read', async () => {
    const engine = new FakeEngine();
    engine.overdue = 2;
    expect(await scannerOn(engine).scan()).toBe(2);
    expect(engine.told).toEqual([undefined, undefined]);
  });

  it('after losing its database, moves deadlines on for a grace instead of counting them', async () => {
    const engine = new FakeEngine();
    const scanner = scannerOn(engine);
    engine.databaseUp = false;
    expect(await scanner.scan()).toBe(0);

    jest.useFakeTimers({ now: 1_000_000, doNotFake: ['nextTick', 'queueMicrotask'] });
    engine.databaseUp = true;
    engine.overdue = 1;
    await scanner.scan();
    jest.setSystemTime(1_000_000 + RECOVERY_GRACE_MS + 1);
    engine.overdue = 1;
    await scanner.scan();
    expect(engine.told).toEqual(['the orchestrator was cut off', undefined]);
  });
});

import { describe, expect, it } from '@jest/globals';
import { register } from 'prom-client';
import { registerCounter, scrapedGauge } from './metric-registration.js';

describe(scrapedGauge.name, () => {
  it('reads every running source when Prometheus scrapes, and forgets a stopped one', async () => {
    const depth = scrapedGauge({ name: 'test_depth', help: 'h', labelNames: ['queue'] as const });
    const stopA = depth.read((gauge) => gauge.set({ queue: 'a' }, 3));
    depth.read((gauge) => gauge.set({ queue: 'b' }, 5));

    expect(await register.metrics()).toContain('test_depth{queue="a"} 3');
    expect(await register.metrics()).toContain('test_depth{queue="b"} 5');
    stopA();
    const text = await register.metrics();
    expect(text).not.toContain('queue="a"');
    expect(text).toContain('test_depth{queue="b"} 5');
  });

  it('leaves a failing source out without breaking the scrape; alone, it reads NaN', async () => {
    const lag = scrapedGauge({ name: 'test_lag_seconds', help: 'h' });
    const healthy = scrapedGauge({ name: 'test_healthy', help: 'h' });
    lag.read(() => Promise.reject(new Error('database unreachable')));
    healthy.read((gauge) => gauge.set(1));

    const text = await register.metrics();
    expect(text).toContain('test_lag_seconds Nan');
    expect(text).toContain('test_healthy 1');
  });

  it('is one gauge however many instances of its owner a process builds', async () => {
    const first = scrapedGauge({ name: 'test_rows', help: 'h' });
    const second = scrapedGauge({ name: 'test_rows', help: 'h' });
    first.read((gauge) => gauge.set(7));
    second.read((gauge) => gauge.set(7));
    expect((await register.metrics()).match(/^test_rows /gm)).toHaveLength(1);
  });
});

describe(registerCounter.name, () => {
  it('returns the metric already registered under that name', () => {
    const first = registerCounter({ name: 'test_total', help: 'h' });
    expect(registerCounter({ name: 'test_total', help: 'h' })).toBe(first);
  });
});

import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { eventuallyValue } from '../../../test/support/eventually.js';
import { RedisThrottlerStorage } from '../src/security/redis-throttler.storage.js';

/** The Redis this machine runs for tests; RATE_LIMIT_REDIS_URL in a real deployment. */
const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const MINUTE_MS = 60_000;

describe(RedisThrottlerStorage.name, () => {
  // Two gateway instances behind one Ingress, each with its own connection, one key space.
  const prefix = `it-rate-limit:${randomUUID()}:`;
  const first = new RedisThrottlerStorage(REDIS_URL, prefix);
  const second = new RedisThrottlerStorage(REDIS_URL, prefix);

  beforeAll(async () => {
    await Promise.all([first.ready(), second.ready()]);
  });

  afterAll(async () => {
    await Promise.all([first.onApplicationShutdown(), second.onApplicationShutdown()]);
  });

  it('shares one budget across gateway instances: a caller gets it once, not once per instance', async () => {
    const caller = randomUUID();
    const hit = (storage: RedisThrottlerStorage) =>
      storage.increment(caller, MINUTE_MS, 3, MINUTE_MS, 'default');
    expect(await hit(first)).toMatchObject({ totalHits: 1, isBlocked: false });
    expect(await hit(second)).toMatchObject({ totalHits: 2, isBlocked: false });
    const third = await hit(first);
    expect(third).toMatchObject({ totalHits: 3, isBlocked: false });
    expect(third.timeToExpire).toBeGreaterThan(55);
    expect(third.timeToExpire).toBeLessThanOrEqual(60);

    expect(await hit(second)).toMatchObject({ isBlocked: true, timeToBlockExpire: 60 });
    // Blocked on every instance; another caller is not.
    expect(await hit(first)).toMatchObject({ isBlocked: true });
    const other = await first.increment(randomUUID(), MINUTE_MS, 3, MINUTE_MS, 'default');
    expect(other).toMatchObject({ totalHits: 1, isBlocked: false });
  });

  it('starts a caller afresh once its block has passed', async () => {
    const caller = randomUUID();
    const hit = () => first.increment(caller, 300, 1, 300, 'default');
    expect(await hit()).toMatchObject({ totalHits: 1, isBlocked: false });
    expect(await hit()).toMatchObject({ isBlocked: true });
    const after = await eventuallyValue(hit, (record) => !record.isBlocked, {
      timeoutMs: 5000,
      intervalMs: 50,
      what: 'the block ends',
    });
    expect(after.totalHits).toBe(1);
  });
});

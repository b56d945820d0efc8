import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { InMemoryThrottlerStorage } from './in-memory-throttler.storage.js';

const MINUTE_MS = 60_000;

describe(InMemoryThrottlerStorage.name, () => {
  let storage: InMemoryThrottlerStorage;

  beforeEach(() => {
    jest.useFakeTimers({ now: 1_000_000 });
    storage = new InMemoryThrottlerStorage();
  });

  afterEach(() => {
    storage.onApplicationShutdown();
    jest.useRealTimers();
  });

  const hit = (caller: string, limit = 3, ttl = MINUTE_MS, name = 'default') =>
    storage.increment(caller, ttl, limit, ttl, name);

  it('counts a caller within its window and blocks it past the limit for the block duration', async () => {
    expect(await hit('a')).toEqual({
      totalHits: 1,
      timeToExpire: 60,
      isBlocked: false,
      timeToBlockExpire: 0,
    });
    jest.advanceTimersByTime(10_000);
    expect(await hit('a')).toMatchObject({ totalHits: 2, timeToExpire: 50, isBlocked: false });
    expect(await hit('a')).toMatchObject({ totalHits: 3, isBlocked: false });
    expect(await hit('a')).toMatchObject({ totalHits: 4, isBlocked: true, timeToBlockExpire: 60 });
    jest.advanceTimersByTime(30_000);
    expect(await hit('a')).toMatchObject({ isBlocked: true, timeToBlockExpire: 30 });
    // Another caller, or the same caller under another throttler, has a budget of its own.
    expect(await hit('b')).toMatchObject({ totalHits: 1, isBlocked: false });
    expect(await hit('a', 3, MINUTE_MS, 'docs')).toMatchObject({ totalHits: 1, isBlocked: false });
  });

  it('starts a caller afresh once its block has passed, and each window from 0', async () => {
    await hit('a', 1);
    expect(await hit('a', 1)).toMatchObject({ isBlocked: true });
    jest.advanceTimersByTime(MINUTE_MS);
    expect(await hit('a', 1)).toMatchObject({ totalHits: 1, isBlocked: false });

    await hit('c');
    await hit('c');
    jest.advanceTimersByTime(MINUTE_MS);
    expect(await hit('c')).toMatchObject({ totalHits: 1, timeToExpire: 60 });
  });

  it('costs the same at any limit: a caller may make 200,000 calls a window', async () => {
    // @nestjs/throttler's own storage spreads every hit of the window into Math.min, which
    // overflows the stack at about 125,000 and fails each of the caller's requests.
    let last;
    for (let call = 0; call < 200_000; call += 1) last = await hit('busy', 1_000_000);
    expect(last).toMatchObject({ totalHits: 200_000, isBlocked: false });
  });

  it('forgets callers whose window and block have passed', async () => {
    await hit('gone');
    await hit('blocked', 0);
    jest.advanceTimersByTime(30_000);
    await hit('recent');
    expect(storage.size).toBe(3);
    jest.advanceTimersByTime(30_000);
    // The sweep at one minute: only the window that has not ended yet stays.
    expect(storage.size).toBe(1);
    jest.advanceTimersByTime(MINUTE_MS);
    expect(storage.size).toBe(0);
  });
});

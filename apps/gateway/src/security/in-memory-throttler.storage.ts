import type { OnApplicationShutdown } from '@nestjs/common';
import type { ThrottlerStorage } from '@nestjs/throttler';

/** What ThrottlerStorage#increment answers (@nestjs/throttler does not export the type). */
type ThrottlerStorageRecord = Awaited<ReturnType<ThrottlerStorage['increment']>>;

interface CallerWindow {
  hits: number;
  /** When this window's count starts again from 0 (epoch ms). */
  endsAt: number;
  /** Past the limit: refused until then (epoch ms); 0 when not blocked. */
  blockedUntil: number;
}

const SWEEP_INTERVAL_MS = 60_000;

const secondsUntil = (at: number, now: number): number => Math.ceil(Math.max(at - now, 0) / 1000);

/**
 * Rate-limit counters in this gateway's memory, for when RATE_LIMIT_REDIS_URL is not set: the
 * fixed window of `RedisThrottlerStorage`, so a caller's budget means the same with one gateway
 * or many. A request costs one map look-up. @nestjs/throttler's own in-memory storage keeps each
 * hit's expiry for a sliding window and filters the list at every request, then spreads it into
 * `Math.min`: its cost grows with the limit, and past about 125,000 hits a window from one caller
 * the spread overflows the stack, so every request of that caller fails with a 500.
 */
export class InMemoryThrottlerStorage implements ThrottlerStorage, OnApplicationShutdown {
  private readonly windows = new Map<string, CallerWindow>();
  private readonly sweeper: NodeJS.Timeout;

  constructor() {
    // Callers that stopped calling leave no entry behind for longer than a sweep.
    this.sweeper = setInterval(() => this.sweep(), SWEEP_INTERVAL_MS);
    this.sweeper.unref();
  }

  increment(
    key: string,
    ttl: number,
    limit: number,
    blockDuration: number,
    throttlerName: string,
  ): Promise<ThrottlerStorageRecord> {
    return Promise.resolve(this.count(`${throttlerName}:${key}`, ttl, limit, blockDuration));
  }

  onApplicationShutdown(): void {
    clearInterval(this.sweeper);
    this.windows.clear();
  }

  /** How many callers have an entry (for tests). */
  get size(): number {
    return this.windows.size;
  }

  private count(
    id: string,
    ttl: number,
    limit: number,
    blockDuration: number,
  ): ThrottlerStorageRecord {
    const now = Date.now();
    let window = this.windows.get(id);
    if (window && window.blockedUntil > now) {
      const blockedFor = secondsUntil(window.blockedUntil, now);
      return {
        totalHits: limit + 1,
        timeToExpire: blockedFor,
        isBlocked: true,
        timeToBlockExpire: blockedFor,
      };
    }
    if (!window || window.endsAt <= now) {
      window = { hits: 0, endsAt: now + ttl, blockedUntil: 0 };
      this.windows.set(id, window);
    }
    window.hits += 1;
    const hits = window.hits;
    const timeToExpire = secondsUntil(window.endsAt, now);
    if (hits <= limit)
      return { totalHits: hits, timeToExpire, isBlocked: false, timeToBlockExpire: 0 };
    if (blockDuration <= 0)
      return { totalHits: hits, timeToExpire, isBlocked: true, timeToBlockExpire: 0 };
    // Past the limit the window's count is dropped: when the block ends, the caller starts afresh.
    window.blockedUntil = now + blockDuration;
    window.hits = 0;
    window.endsAt = window.blockedUntil;
    return {
      totalHits: hits,
      timeToExpire,
      isBlocked: true,
      timeToBlockExpire: secondsUntil(window.blockedUntil, now),
    };
  }

  private sweep(): void {
    const now = Date.now();
    for (const [id, window] of this.windows) {
      if (window.endsAt <= now && window.blockedUntil <= now) this.windows.delete(id);
    }
  }
}

import { Logger, type OnApplicationShutdown } from '@nestjs/common';
import type { ThrottlerStorage } from '@nestjs/throttler';
import { Redis } from 'ioredis';

/** What ThrottlerStorage#increment answers (@nestjs/throttler does not export the type). */
type ThrottlerStorageRecord = Awaited<ReturnType<ThrottlerStorage['increment']>>;

/**
 * One atomic step per request, so gateway instances counting the same caller never race:
 * KEYS[1] the hits in the current window, KEYS[2] the block; ARGV ttl ms, limit, block ms.
 * Answers hits, window ms left, blocked (0/1), block ms left. Past the limit the window's count
 * is dropped: when the block ends, the caller starts afresh (as the in-memory storage does).
 */
const INCREMENT = `
local blockedFor = redis.call('PTTL', KEYS[2])
if blockedFor > 0 then
  return { tonumber(ARGV[2]) + 1, blockedFor, 1, blockedFor }
end
local hits = redis.call('INCR', KEYS[1])
if hits == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local expiresIn = redis.call('PTTL', KEYS[1])
if hits > tonumber(ARGV[2]) then
  redis.call('SET', KEYS[2], '1', 'PX', ARGV[3])
  redis.call('DEL', KEYS[1])
  return { hits, expiresIn, 1, tonumber(ARGV[3]) }
end
return { hits, expiresIn, 0, 0 }
`;

/**
 * Rate-limit counters in Redis, shared by every gateway instance: with N replicas a caller gets
 * its budget once, not N times. Written here rather than taken from a package: it is one script,
 * and @nestjs/throttler's storage packages pull the throttler's CommonJS build into the test
 * suites, which Jest cannot load (see rate-limits.ts).
 *
 * If Redis is unreachable a request fails (500) rather than going unlimited: ioredis retries
 * the connection meanwhile, and the gateway's readiness does not depend on it.
 */
export class RedisThrottlerStorage implements ThrottlerStorage, OnApplicationShutdown {
  private readonly logger = new Logger(RedisThrottlerStorage.name);
  private readonly redis: Redis;

  constructor(
    url: string,
    private readonly prefix = 'sagaflow:rate-limit:',
  ) {
    this.redis = new Redis(url, { maxRetriesPerRequest: 1, enableOfflineQueue: false });
    this.redis.on('error', (error: Error) =>
      this.logger.warn(`Rate-limit storage unavailable: ${error.message}`),
    );
  }

  async increment(
    key: string,
    ttl: number,
    limit: number,
    blockDuration: number,
    throttlerName: string,
  ): Promise<ThrottlerStorageRecord> {
    // One hash tag per caller: both keys land on one slot of a Redis Cluster.
    const base = `${this.prefix}{${throttlerName}:${key}}`;
    const [hits, expiresInMs, blocked, blockedForMs] = (await this.redis.eval(
      INCREMENT,
      2,
      `${base}:hits`,
      `${base}:blocked`,
      ttl,
      limit,
      blockDuration,
    )) as [number, number, number, number];
    return {
      totalHits: hits,
      timeToExpire: Math.ceil(Math.max(expiresInMs, 0) / 1000),
      isBlocked: blocked === 1,
      timeToBlockExpire: Math.ceil(blockedForMs / 1000),
    };
  }

  /** Waits until connected: for start-up checks and tests. */
  async ready(): Promise<void> {
    if (this.redis.status !== 'ready') await new Promise((done) => this.redis.once('ready', done));
  }

  async onApplicationShutdown(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}

import type { CanActivate, DynamicModule, INestApplication, Type } from '@nestjs/common';
import { ThrottlerGuard, ThrottlerModule, ThrottlerStorage } from '@nestjs/throttler';
import { identitySettingsOf } from '@app/config';
import { JwtVerifier } from '@app/identity';
import type { GatewayConfig } from '../gateway.config.js';
import { docsRateLimit } from './docs-rate-limit.js';
import { InMemoryThrottlerStorage } from './in-memory-throttler.storage.js';
import { rateLimitOptionsOf } from './rate-limit.options.js';
import { RedisThrottlerStorage } from './redis-throttler.storage.js';

/** Modules and guards the gateway adds in front of its own (its guards run first). */
export interface GatewayEdges {
  imports: DynamicModule[];
  guards: Type<CanActivate>[];
  /** Middleware for the API docs, which are served beside the guards. */
  docsLimit?: (app: INestApplication) => ReturnType<typeof docsRateLimit>;
}

/**
 * Rate limits on every route but the probes and metrics (and on the docs beside the routes), per caller, answered with 429 in the error shape and a Retry-After; the
 * guard runs before authentication, so a flood of bad tokens is limited too.
 * main.ts adds them: @nestjs/throttler is CommonJS that requires the ESM @nestjs/common, which
 * Node runs but Jest on Node 20 cannot load, so the in-process suites boot the gateway without it
 * and the system suite (test/gateway-api.e2e-spec.ts) checks it on the real process.
 */
export function rateLimits(config: GatewayConfig): GatewayEdges {
  // The same checks as the auth guard's: a made-up token cannot pick its own budget.
  const verifier = new JwtVerifier(identitySettingsOf(config));
  return {
    imports: [
      ThrottlerModule.forRoot({
        ...rateLimitOptionsOf(config, (token) => verifier.verify(token)),
        // Shared across instances when configured; otherwise this instance's own, same window.
        storage: config.RATE_LIMIT_REDIS_URL
          ? new RedisThrottlerStorage(config.RATE_LIMIT_REDIS_URL)
          : new InMemoryThrottlerStorage(),
      }),
    ],
    guards: [ThrottlerGuard],
    // The storage the guard counts in: one budget config, one place for the counters.
    docsLimit: (app) =>
      docsRateLimit(app.get<ThrottlerStorage>(ThrottlerStorage), config, (token) =>
        verifier.verify(token),
      ),
  };
}

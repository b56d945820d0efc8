import type { ExecutionContext } from '@nestjs/common';
import type { ThrottlerModuleOptions } from '@nestjs/throttler';
import type { GatewayConfig } from '../gateway.config.js';
import { isApiRoute } from './api-route.js';

const MINUTE_MS = 60_000;

/**
 * RATE_LIMIT_PER_MINUTE requests per client address on the `/api` routes; the probes, metrics and
 * docs are not limited. Counts are per gateway instance (in memory).
 */
export function rateLimitOptionsOf(config: GatewayConfig): ThrottlerModuleOptions {
  const limit = config.RATE_LIMIT_PER_MINUTE;
  return {
    throttlers: [{ ttl: MINUTE_MS, limit }],
    skipIf: (context: ExecutionContext) => !isApiRoute(context.switchToHttp().getRequest()),
    errorMessage: `Too many requests: at most ${limit} a minute from one client`,
  };
}

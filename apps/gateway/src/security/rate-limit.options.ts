import { isIPv6 } from 'node:net';
import type { ExecutionContext } from '@nestjs/common';
import type { ThrottlerModuleOptions } from '@nestjs/throttler';
import type { Principal } from '@app/identity';
import type { GatewayConfig } from '../gateway.config.js';

const MINUTE_MS = 60_000;
/** Probes and metrics are never limited: an orchestrator or Prometheus must always get through. */
const UNLIMITED = /^\/(health\/|metrics(\/|$|\?))/;

/** Verifies a bearer token, as the auth guard will; the limit runs first, so it checks itself. */
export type TokenVerifier = (token: string) => Promise<Principal>;

interface TrackedRequest {
  ip?: string;
  url?: string;
  headers?: Record<string, string | string[] | undefined>;
}

/**
 * RATE_LIMIT_PER_MINUTE requests a minute per caller, on every Nest route but the probes and
 * metrics: the API and the registration routes. (The docs are served beside Nest's guards:
 * docs-rate-limit.ts limits them with the same budget.) A caller is the verified principal of its token,
 * so customers behind one NAT do not share a budget and one customer cannot spread over
 * addresses; without a valid token, its address, an IPv6 address counted by its /64 (what one
 * subscriber gets). Counts are per gateway instance (in memory) unless RATE_LIMIT_REDIS_URL shares them.
 */
export function rateLimitOptionsOf(
  config: GatewayConfig,
  verify: TokenVerifier,
): ThrottlerModuleOptions {
  const { ttl, limit, errorMessage } = rateLimitOf(config);
  return {
    throttlers: [{ ttl, limit }],
    skipIf: (context: ExecutionContext) =>
      UNLIMITED.test(context.switchToHttp().getRequest<TrackedRequest>().url ?? ''),
    getTracker: (request: TrackedRequest) => trackerOf(request, verify),
    errorMessage,
  };
}

/** One caller's budget: RATE_LIMIT_PER_MINUTE requests in a window of a minute. */
export function rateLimitOf(config: GatewayConfig): {
  ttl: number;
  limit: number;
  errorMessage: string;
} {
  const limit = config.RATE_LIMIT_PER_MINUTE;
  return {
    ttl: MINUTE_MS,
    limit,
    errorMessage: `Too many requests: at most ${limit} a minute from one client`,
  };
}

export async function trackerOf(request: TrackedRequest, verify: TokenVerifier): Promise<string> {
  const authorization = request.headers?.authorization;
  const token =
    typeof authorization === 'string' && authorization.startsWith('Bearer ')
      ? authorization.slice(7)
      : undefined;
  if (token) {
    try {
      const principal = await verify(token);
      return `principal:${principal.role}:${principal.subject}`;
    } catch {
      // An invalid token counts against its address, like no token.
    }
  }
  return `address:${addressPrefixOf(request.ip ?? '')}`;
}

/** An IPv4 address as is; an IPv6 one by its first 64 bits (a subscriber holds a whole /64). */
export function addressPrefixOf(ip: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped) return mapped[1];
  if (!isIPv6(ip)) return ip;
  const [head, tail = ''] = ip.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = ip.includes('::')
    ? [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right]
    : left;
  return `${groups
    .slice(0, 4)
    .map((group) => parseInt(group || '0', 16).toString(16))
    .join(':')}::/64`;
}

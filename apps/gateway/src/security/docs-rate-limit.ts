import type { IncomingMessage, ServerResponse } from 'node:http';
import { ThrottlerException, type ThrottlerStorage } from '@nestjs/throttler';
import type { GatewayConfig } from '../gateway.config.js';
import { rateLimitOf, trackerOf, type TokenVerifier } from './rate-limit.options.js';

/** The API docs: the page, its assets and the document (`/docs`, `/docs/...`, `/docs-json`, `/docs-yaml`). */
const DOCS = /^\/docs(-json|-yaml)?(\/|\?|$)/;

type DocsRequest = IncomingMessage & { ip?: string };

/**
 * Swagger serves the docs from routes of its own, beside Nest's routes and so beside the
 * throttler's guard. This limits them as the guard limits a route: the same budget per caller,
 * in the same storage (shared in Redis when RATE_LIMIT_REDIS_URL is set), counted apart from the
 * API's; past it, 429 in the error shape (Nest's error handler runs the gateway's filter) with a
 * Retry-After.
 */
export function docsRateLimit(
  storage: ThrottlerStorage,
  config: GatewayConfig,
  verify: TokenVerifier,
) {
  const { ttl, limit, errorMessage } = rateLimitOf(config);
  return (request: DocsRequest, response: ServerResponse, next: (error?: unknown) => void) => {
    if (!DOCS.test(request.url ?? '')) return next();
    trackerOf(request, verify)
      // Blocked for one window once past the limit, as the guard does by default.
      .then((tracker) => storage.increment(`docs:${tracker}`, ttl, limit, ttl, 'docs'))
      .then(({ isBlocked, timeToBlockExpire }) => {
        if (!isBlocked) return next();
        response.setHeader('retry-after', String(timeToBlockExpire));
        next(new ThrottlerException(errorMessage));
      }, next);
  };
}

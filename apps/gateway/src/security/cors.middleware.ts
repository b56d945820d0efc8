import type { IncomingMessage, ServerResponse } from 'node:http';
import { Inject, Injectable, type NestMiddleware } from '@nestjs/common';
import { GATEWAY_CONFIG, type GatewayConfig } from '../gateway.config.js';

const ALLOWED_METHODS = 'GET, POST, OPTIONS';
const ALLOWED_HEADERS = 'authorization, content-type, idempotency-key, x-request-id, traceparent';

/**
 * CORS for the origins in CORS_ORIGINS only. Tokens travel in a header, never in cookies, so
 * credentials are not allowed. Every preflight is answered here; a refused one lacks the headers.
 */
@Injectable()
export class CorsMiddleware implements NestMiddleware {
  private readonly origins: ReadonlySet<string>;

  constructor(@Inject(GATEWAY_CONFIG) config: GatewayConfig) {
    this.origins = new Set(config.CORS_ORIGINS.map((origin) => new URL(origin).origin));
  }

  use(request: IncomingMessage, response: ServerResponse, next: () => void): void {
    const origin = request.headers.origin;
    if (!origin) return next();
    response.setHeader('vary', 'Origin');
    const allowed = this.origins.has(origin);
    if (allowed) {
      response.setHeader('access-control-allow-origin', origin);
      response.setHeader('access-control-expose-headers', 'x-request-id');
    }
    if (request.method === 'OPTIONS' && request.headers['access-control-request-method']) {
      if (allowed) {
        response.setHeader('access-control-allow-methods', ALLOWED_METHODS);
        response.setHeader('access-control-allow-headers', ALLOWED_HEADERS);
        response.setHeader('access-control-max-age', '600');
      }
      response.statusCode = 204;
      response.end();
      return;
    }
    next();
  }
}

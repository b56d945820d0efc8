import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { HttpPlatformOptions } from '@app/runtime';
import helmet from 'helmet';
import { serveConsole } from './console/console.static.js';
import { serveApiDocs } from './docs/openapi.document.js';
import type { GatewayConfig } from './gateway.config.js';
import { answerClientErrorInShape } from './security/client-error.handler.js';
import { CorsMiddleware } from './security/cors.middleware.js';
import type { GatewayEdges } from './security/rate-limits.js';

/** The gateway's HTTP server: its body limit, the proxies it trusts, client errors in shape. */
export function gatewayHttpPlatform(config: GatewayConfig): HttpPlatformOptions {
  return {
    bodyLimit: config.BODY_LIMIT,
    trustProxyHops: config.TRUST_PROXY_HOPS,
    clientErrorHandler: answerClientErrorInShape,
  };
}

/**
 * The gateway's own HTTP edges beside its controllers. Middleware runs before the body is parsed,
 * so a malformed or oversized body is answered with the same security headers and CORS; the API
 * docs sit behind their rate limit when the edges have one; the web console is served at `/`.
 */
export function prepareGatewayHttp(
  app: NestFastifyApplication,
  config: GatewayConfig,
  edges: Pick<GatewayEdges, 'docsLimit'> = {},
): void {
  app.use(
    helmet({
      contentSecurityPolicy: { directives: { 'frame-ancestors': ["'none'"] } },
      frameguard: { action: 'deny' },
      referrerPolicy: { policy: 'no-referrer' },
    }),
  );
  const cors = app.get(CorsMiddleware);
  app.use(cors.use.bind(cors));
  if (edges.docsLimit) app.use(edges.docsLimit(app));
  serveApiDocs(app);
  serveConsole(app, config);
}

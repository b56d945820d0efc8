import type { NestExpressApplication } from '@nestjs/platform-express';
import helmet from 'helmet';
import { serveConsole } from './console/console.static.js';
import { serveApiDocs } from './docs/openapi.document.js';
import type { GatewayConfig } from './gateway.config.js';
import { answerClientErrorsInShape } from './security/client-error.handler.js';
import { CorsMiddleware } from './security/cors.middleware.js';
import type { GatewayEdges } from './security/rate-limits.js';

/**
 * What runs in front of the body parser (after startApp's request metrics), so a malformed or
 * oversized body is answered with the same security headers and CORS; then the API docs, behind
 * their rate limit when the edges have one, and the web console.
 */
export function prepareGatewayHttp(
  app: NestExpressApplication,
  config: GatewayConfig,
  edges: Pick<GatewayEdges, 'docsLimit'> = {},
): void {
  // The client's address for rate limits is the one the trusted proxies in front report.
  app.set('trust proxy', config.TRUST_PROXY_HOPS);
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
  answerClientErrorsInShape(app.getHttpServer());
  serveConsole(app, config);
}

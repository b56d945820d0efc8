import type { IncomingMessage, ServerResponse } from 'node:http';
import { Injectable } from '@nestjs/common';
import { registerHistogram } from './metric-registration.js';

/** Answers that matched no route (a 404, or a body refused before routing) share one label. */
const UNMATCHED = 'unmatched';

/** Request latency by route pattern and status, for every app. */
@Injectable()
export class HttpMetrics {
  private readonly latency = registerHistogram({
    name: 'http_request_duration_seconds',
    help: 'Time from a request’s arrival to the end of its answer, by route pattern and status',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  });

  /** Express middleware timing every request, including those the body parser refuses. */
  readonly middleware = (
    request: IncomingMessage,
    response: ServerResponse,
    next: () => void,
  ): void => {
    const stop = this.latency.startTimer();
    response.once('finish', () =>
      stop({
        method: request.method ?? 'UNKNOWN',
        // The pattern (`/api/orders/:id`), never the raw URL: one series per route, not per id.
        route: routePatternOf(request),
        status_code: String(response.statusCode),
      }),
    );
    next();
  };
}

function routePatternOf(request: IncomingMessage): string {
  const { route } = request as IncomingMessage & { route?: { path?: unknown } };
  return typeof route?.path === 'string' ? route.path : UNMATCHED;
}

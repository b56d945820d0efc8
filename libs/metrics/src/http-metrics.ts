import type { ServerResponse } from 'node:http';
import { Injectable } from '@nestjs/common';
import { registerHistogram } from './metric-registration.js';

/** Answers that matched no route (a 404) share one label. */
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

  /**
   * Times a request from now until its answer has gone, by its route pattern (`/api/orders/:id`,
   * never the raw URL: one series per route, not per id); a request that matched no route counts
   * as `unmatched`.
   */
  track(method: string, route: string | undefined, response: ServerResponse): void {
    const stop = this.latency.startTimer();
    response.once('finish', () =>
      stop({ method, route: route ?? UNMATCHED, status_code: String(response.statusCode) }),
    );
  }
}

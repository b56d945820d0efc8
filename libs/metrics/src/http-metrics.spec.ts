import { EventEmitter } from 'node:events';
import type { ServerResponse } from 'node:http';
import { describe, expect, it } from '@jest/globals';
import { register } from 'prom-client';
import { HttpMetrics } from './http-metrics.js';

function serve(metrics: HttpMetrics, method: string, status: number, route?: string): void {
  const response = Object.assign(new EventEmitter(), { statusCode: 0 }) as ServerResponse;
  metrics.track(method, route, response);
  response.statusCode = status;
  response.emit('finish');
}

describe(HttpMetrics.name, () => {
  it('times each request by method, route pattern and status, never by raw URL', async () => {
    const metrics = new HttpMetrics();
    serve(metrics, 'GET', 200, '/orders/:id');
    serve(metrics, 'GET', 200, '/orders/:id');
    serve(metrics, 'POST', 404);

    const text = await register.metrics();
    expect(text).toContain(
      'http_request_duration_seconds_count{method="GET",route="/orders/:id",status_code="200"} 2',
    );
    expect(text).toContain(
      'http_request_duration_seconds_count{method="POST",route="unmatched",status_code="404"} 1',
    );
  });
});

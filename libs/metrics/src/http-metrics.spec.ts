import { EventEmitter } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { describe, expect, it } from '@jest/globals';
import { register } from 'prom-client';
import { HttpMetrics } from './http-metrics.js';

function serve(metrics: HttpMetrics, method: string, status: number, route?: string): void {
  const request = { method } as IncomingMessage & { route?: { path: string } };
  const response = Object.assign(new EventEmitter(), { statusCode: status }) as ServerResponse;
  metrics.middleware(request, response, () => {
    if (route) request.route = { path: route };
  });
  response.emit('finish');
}

describe(HttpMetrics.name, () => {
  it('times each request by method, route pattern and status, never by raw URL', async () => {
    const metrics = new HttpMetrics();
    serve(metrics, 'GET', 200, '/orders/:id');
    serve(metrics, 'GET', 200, '/orders/:id');
    serve(metrics, 'POST', 413);

    const text = await register.metrics();
    expect(text).toContain(
      'http_request_duration_seconds_count{method="GET",route="/orders/:id",status_code="200"} 2',
    );
    expect(text).toContain(
      'http_request_duration_seconds_count{method="POST",route="unmatched",status_code="413"} 1',
    );
  });
});

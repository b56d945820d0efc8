import { DynamicModule, Module } from '@nestjs/common';
import { HttpMetrics } from './http-metrics.js';
import { METRICS_TOKEN, MetricsController } from './metrics.controller.js';
import { registerProcessMetrics } from './metric-registration.js';

/**
 * `GET /metrics` over prom-client's default registry, where every lib and app registers its
 * metrics, plus HTTP latency and the process's own. The HTTP platform (`configureHttp` of
 * `@app/runtime`) times every request with `HttpMetrics`, before any middleware.
 */
@Module({})
export class MetricsModule {
  static forRoot(options: { token?: string } = {}): DynamicModule {
    registerProcessMetrics();
    return {
      module: MetricsModule,
      controllers: [MetricsController],
      providers: [HttpMetrics, { provide: METRICS_TOKEN, useValue: options.token }],
      exports: [HttpMetrics],
    };
  }
}

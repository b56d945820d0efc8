import { Injectable } from '@nestjs/common';
import { InstanceRegistry, type InstanceStatus } from '@app/discovery';
import { Gauge } from 'prom-client';
import { HttpMetrics } from './http-metrics.js';

const STATUSES: InstanceStatus[] = ['UP', 'DOWN', 'EJECTED', 'UNKNOWN'];

/** Upstream health on `/metrics`: instances per service and status, read from the registry at scrape. */
@Injectable()
export class UpstreamMetrics {
  constructor(registry: InstanceRegistry, metrics: HttpMetrics) {
    new Gauge({
      name: 'gateway_upstream_instances',
      help: 'Instances the gateway knows per service, by health status',
      labelNames: ['service', 'status'] as const,
      registers: [metrics.registry],
      collect() {
        this.reset();
        for (const instance of registry.list()) {
          this.inc({ service: instance.service, status: instance.status });
        }
        // Zero series for known services, so an alert on UP == 0 fires instead of seeing nothing.
        for (const service of new Set(registry.list().map((instance) => instance.service))) {
          for (const status of STATUSES) this.inc({ service, status }, 0);
        }
      },
    });
  }
}

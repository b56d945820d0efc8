import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { InstanceRegistry, type InstanceStatus } from '@app/discovery';
import { scrapedGauge } from '@app/metrics';

const STATUSES: InstanceStatus[] = ['UP', 'DOWN', 'EJECTED', 'UNKNOWN'];

const instances = scrapedGauge({
  name: 'gateway_upstream_instances',
  help: 'Instances the gateway knows per service, by health status',
  labelNames: ['service', 'status'] as const,
});

/** Upstream health on `/metrics`: instances per service and status, read from the registry at scrape. */
@Injectable()
export class UpstreamMetrics implements OnModuleDestroy {
  private readonly stop: () => void;

  constructor(registry: InstanceRegistry) {
    this.stop = instances.read((gauge) => {
      for (const instance of registry.list()) {
        gauge.inc({ service: instance.service, status: instance.status });
      }
      // Zero series for known services, so an alert on UP == 0 fires instead of seeing nothing.
      for (const service of new Set(registry.list().map((instance) => instance.service))) {
        for (const status of STATUSES) gauge.inc({ service, status }, 0);
      }
    });
  }

  onModuleDestroy(): void {
    this.stop();
  }
}

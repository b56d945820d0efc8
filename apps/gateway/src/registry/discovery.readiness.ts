import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { DiscoveryLifecycle, InstanceRegistry } from '@app/discovery';
import type { ReadinessIndicator } from '@app/health';
import { SERVICE_NAMES } from '../upstream/service-names.js';

/**
 * The gateway is ready when it can serve: discovery runs. The services' health is reported
 * beside it but never fails it: every gateway replica shares the same services, so one service
 * down would take every replica, and the whole API, out at once. A route whose service has no
 * healthy instance answers 503 with Retry-After instead (docs/architecture.md, "Discovery").
 */
@Injectable()
export class DiscoveryReadiness implements ReadinessIndicator {
  constructor(
    private readonly indicator: HealthIndicatorService,
    private readonly discovery: DiscoveryLifecycle,
    private readonly registry: InstanceRegistry,
  ) {}

  isReady() {
    const session = this.indicator.check('discovery');
    const upstreams = Object.fromEntries(
      SERVICE_NAMES.map((service) => [
        service,
        {
          healthy: this.registry.healthy(service).length,
          instances: this.registry.instancesOf(service).length,
        },
      ]),
    );
    return Promise.resolve(
      this.discovery.isRunning
        ? session.up({ upstreams })
        : session.down({ message: 'discovery is not running', upstreams }),
    );
  }
}

import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { InstanceRegistry } from '@app/discovery';
import type { ReadinessIndicator } from '@app/health';
import { GATEWAY_CONFIG, type GatewayConfig } from '../gateway.config.js';

/**
 * The gateway is ready when every required service has a healthy instance: otherwise it would
 * take requests it can only answer with 503.
 */
@Injectable()
export class UpstreamReadiness implements ReadinessIndicator {
  constructor(
    private readonly indicator: HealthIndicatorService,
    private readonly registry: InstanceRegistry,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  isReady() {
    const session = this.indicator.check('upstreams');
    const missing = this.config.DISCOVERY_REQUIRED_SERVICES.filter(
      (service) => this.registry.healthy(service).length === 0,
    );
    return Promise.resolve(
      missing.length === 0
        ? session.up()
        : session.down({ message: `no healthy instance of ${missing.join(', ')}` }),
    );
  }
}

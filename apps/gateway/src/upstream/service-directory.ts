import { Inject, Injectable } from '@nestjs/common';
import { GATEWAY_CONFIG, type GatewayConfig } from '../gateway.config.js';

export type ServiceName = 'saga-orchestrator' | 'order' | 'credit' | 'payment';

/** One reachable instance of a service. */
export interface ServiceInstance {
  service: ServiceName;
  url: string;
}

/**
 * Where to send a call for a service. The seam where discovery (registry, health checks,
 * load balancing: DESIGN.md §5) replaces the static provider below.
 */
export abstract class ServiceDirectory {
  abstract instanceFor(service: ServiceName): ServiceInstance;
}

/** One configured URL per service. */
@Injectable()
export class StaticServiceDirectory extends ServiceDirectory {
  private readonly urls: Record<ServiceName, string>;

  constructor(@Inject(GATEWAY_CONFIG) config: GatewayConfig) {
    super();
    this.urls = {
      'saga-orchestrator': config.SAGA_ORCHESTRATOR_URL,
      order: config.ORDER_URL,
      credit: config.CREDIT_URL,
      payment: config.PAYMENT_URL,
    };
  }

  instanceFor(service: ServiceName): ServiceInstance {
    return { service, url: this.urls[service].replace(/\/+$/, '') };
  }
}

import { Injectable } from '@nestjs/common';
import { InstanceRegistry, RoundRobinBalancer } from '@app/discovery';

export const SERVICE_NAMES = ['saga-orchestrator', 'order', 'credit', 'payment'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

/** One reachable instance of a service. */
export interface ServiceInstance {
  id: string;
  service: ServiceName;
  url: string;
}

/** How a request to an instance went, for passive health checking. */
export type CallOutcome = 'success' | 'failure';

/**
 * Where to send a call for a service: the next healthy instance in the discovery registry, in
 * turn (DESIGN.md §5). Outcomes reported back eject an instance that keeps failing.
 */
@Injectable()
export class ServiceDirectory {
  constructor(
    private readonly registry: InstanceRegistry,
    private readonly balancer: RoundRobinBalancer,
  ) {}

  /** The next instance to try, other than those in `tried` while any is left; none if unknown. */
  instanceFor(
    service: ServiceName,
    tried: ReadonlySet<string> = new Set(),
  ): ServiceInstance | undefined {
    const instance = this.balancer.pick(service, tried);
    return instance && { id: instance.id, service, url: instance.url };
  }

  report(instance: ServiceInstance, outcome: CallOutcome): void {
    if (outcome === 'success') this.registry.recordSuccess(instance.id);
    else this.registry.recordFailure(instance.id);
  }
}

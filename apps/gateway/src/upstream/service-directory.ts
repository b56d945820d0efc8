import { Injectable } from '@nestjs/common';
import { InstanceRegistry, LeastPendingBalancer } from '@app/discovery';
import type { ServiceName } from './service-names.js';

export type { ServiceName } from './service-names.js';

/** One reachable instance of a service, chosen for one attempt of a request. */
export interface ServiceInstance {
  id: string;
  service: ServiceName;
  url: string;
  /** Ends the attempt's count of requests in flight on the instance. */
  end: () => void;
}

/** How a request to an instance went, for passive health checking. */
export type CallOutcome = 'success' | 'failure';

/**
 * Where to send a call for a service: the healthy instance in the discovery registry with the
 * fewest requests in flight, ties in turn (docs/architecture.md, discovery). Outcomes reported back eject an instance
 * that keeps failing.
 */
@Injectable()
export class ServiceDirectory {
  constructor(
    private readonly registry: InstanceRegistry,
    private readonly balancer: LeastPendingBalancer,
  ) {}

  /**
   * The next instance to try, other than those in `tried` while any is left; none if unknown. It
   * counts as busy with this request until its outcome is reported.
   */
  instanceFor(
    service: ServiceName,
    tried: ReadonlySet<string> = new Set(),
  ): ServiceInstance | undefined {
    const instance = this.balancer.pick(service, tried);
    return (
      instance && {
        id: instance.id,
        service,
        url: instance.url,
        end: this.balancer.begin(instance.id),
      }
    );
  }

  /** Whether any instance of the service may take a request now (healthy, or not checked yet). */
  hasCandidate(service: ServiceName): boolean {
    return this.balancer.candidates(service).length > 0;
  }

  report(instance: ServiceInstance, outcome: CallOutcome): void {
    instance.end();
    if (outcome === 'success') this.registry.recordSuccess(instance.id);
    else this.registry.recordFailure(instance.id);
  }
}

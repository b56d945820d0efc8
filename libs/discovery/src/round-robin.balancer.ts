import type { InstanceRegistry } from './instance-registry.js';
import type { ServiceInstance } from './service-instance.js';

/**
 * Picks the next healthy instance of a service in turn, skipping those a request already tried.
 * When none is healthy, every known instance gets a turn (Envoy's "panic" mode): the checks may be
 * wrong or late, and a likely failure beats a certain one.
 */
export class RoundRobinBalancer {
  private readonly cursors = new Map<string, number>();

  constructor(private readonly registry: InstanceRegistry) {}

  pick(service: string, tried: ReadonlySet<string> = new Set()): ServiceInstance | undefined {
    const healthy = this.registry.healthy(service);
    const pool = healthy.length > 0 ? healthy : this.registry.instancesOf(service);
    const untried = pool.filter((instance) => !tried.has(instance.id));
    // Everything was tried once: a retry may go back to one of them.
    const candidates = untried.length > 0 ? untried : pool;
    if (candidates.length === 0) return undefined;
    const cursor = this.cursors.get(service) ?? 0;
    this.cursors.set(service, cursor + 1);
    return candidates[cursor % candidates.length];
  }
}

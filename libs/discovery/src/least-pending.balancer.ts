import type { InstanceRegistry } from './instance-registry.js';
import type { ServiceInstance } from './service-instance.js';

/**
 * Picks the healthy instance of a service with the fewest requests in flight from here, taking
 * tied instances in turn: an idle system is plain round-robin, and a slow instance that piles up
 * requests gets fewer new ones. Skips the instances a request already tried. When none is healthy,
 * only instances not checked yet (just started or just discovered) get a turn; one that a check
 * or its own failures took out gets none, so its routes fail fast with 503 instead of waiting on
 * an instance known to be down.
 */
export class LeastPendingBalancer {
  private readonly cursors = new Map<string, number>();
  private readonly pending = new Map<string, number>();

  constructor(private readonly registry: InstanceRegistry) {}

  /** The instances that may take a request now: the healthy ones, else those not checked yet. */
  candidates(service: string): ServiceInstance[] {
    const healthy = this.registry.healthy(service);
    return healthy.length > 0
      ? healthy
      : this.registry.instancesOf(service).filter((instance) => instance.status === 'UNKNOWN');
  }

  pick(service: string, tried: ReadonlySet<string> = new Set()): ServiceInstance | undefined {
    const pool = this.candidates(service);
    const untried = pool.filter((instance) => !tried.has(instance.id));
    // Everything was tried once: a retry may go back to one of them.
    const candidates = untried.length > 0 ? untried : pool;
    if (candidates.length === 0) return undefined;
    const fewest = Math.min(...candidates.map((instance) => this.pendingOn(instance.id)));
    const least = candidates.filter((instance) => this.pendingOn(instance.id) === fewest);
    const cursor = this.cursors.get(service) ?? 0;
    this.cursors.set(service, cursor + 1);
    return least[cursor % least.length];
  }

  /** Counts a request in flight on the instance until the returned function is called (once). */
  begin(instanceId: string): () => void {
    this.pending.set(instanceId, this.pendingOn(instanceId) + 1);
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      const left = this.pendingOn(instanceId) - 1;
      if (left > 0) this.pending.set(instanceId, left);
      else this.pending.delete(instanceId);
    };
  }

  pendingOn(instanceId: string): number {
    return this.pending.get(instanceId) ?? 0;
  }
}

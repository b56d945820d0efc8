/**
 * Connections of an app's pool that deliveries leave free: the outbox relay's batch and a
 * readiness probe must never queue behind handlers, or replies stop going out under load.
 */
export const POOL_RESERVE = 2;

/**
 * How many deliveries an app handles at once: each holds one pooled connection for its whole
 * transaction, so never more than the pool can serve beside its reserve, and never more than the
 * broker hands out (`prefetch`, when one is set). Unset, the most that fits. Throws when the pool cannot fit the
 * number asked for (or any delivery at all): a misconfiguration found at start-up, not under load.
 */
export function deliveryConcurrency(options: {
  prefetch?: number;
  poolSize: number;
  requested?: number;
}): number {
  const { prefetch, poolSize, requested } = options;
  const fits = poolSize - POOL_RESERVE;
  if (fits < 1) {
    throw new Error(
      `a pool of ${poolSize} connections cannot serve deliveries: ${POOL_RESERVE} stay for the outbox relay and health checks, so it needs at least ${POOL_RESERVE + 1}`,
    );
  }
  const cap = prefetch ?? Number.POSITIVE_INFINITY;
  if (requested === undefined) return Math.min(cap, fits);
  if (requested > fits) {
    throw new Error(
      `${requested} deliveries at once need ${requested + POOL_RESERVE} connections, but the pool has ${poolSize} (${POOL_RESERVE} stay for the outbox relay and health checks)`,
    );
  }
  return Math.min(cap, requested);
}

/**
 * A fair (first come, first served) count of deliveries that may be handled at once. A delivery
 * takes a slot before it takes a database connection, so the pool is never asked for more than it
 * has: the rest wait here, unacknowledged, and the app reads more slowly instead of failing.
 */
export class DeliverySlots {
  private free: number;
  private readonly waiting: ((granted: boolean) => void)[] = [];
  private closed = false;

  constructor(readonly size: number) {
    this.free = size;
  }

  /** Deliveries waiting for a slot. */
  get queued(): number {
    return this.waiting.length;
  }

  /** True once the caller holds a slot (release it); false when the slots closed first. */
  acquire(): Promise<boolean> {
    if (this.closed) return Promise.resolve(false);
    if (this.free > 0) {
      this.free -= 1;
      return Promise.resolve(true);
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  /** Hands the slot to the longest waiting delivery, or frees it. */
  release(): void {
    const next = this.waiting.shift();
    if (next) next(true);
    else this.free += 1;
  }

  /** Turns away every waiting and later delivery (shutdown); slots held stay held until released. */
  close(): void {
    this.closed = true;
    for (const turnAway of this.waiting.splice(0)) turnAway(false);
  }
}

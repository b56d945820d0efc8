import type {
  InstanceSource,
  InstanceStatus,
  Registration,
  ServiceInstance,
} from './service-instance.js';

export interface EjectionPolicy {
  /** Consecutive failed requests that eject an instance. */
  consecutiveFailures: number;
  /** The first ejection's length; each further one doubles it, up to `maxMs`. */
  baseMs: number;
  maxMs: number;
}

export interface RegistryOptions {
  ejection: EjectionPolicy;
  now?: () => number;
}

export type RegistryChange = { kind: 'added' | 'removed'; instance: ServiceInstance };

interface Entry {
  id: string;
  service: string;
  url: string;
  source: InstanceSource;
  status: InstanceStatus;
  lastCheck?: number;
  /** The last readiness check passed: where an instance returns to after its ejection. */
  lastCheckPassed?: boolean;
  failures: number;
  ejections: number;
  ejectedUntil?: number;
  leaseExpiresAt?: number;
}

export const DEFAULT_EJECTION: EjectionPolicy = {
  consecutiveFailures: 5,
  baseMs: 10_000,
  maxMs: 300_000,
};

/**
 * Every known instance of every service and its health. Providers add and remove instances;
 * readiness checks and request outcomes move them between UP, DOWN and EJECTED.
 */
export class InstanceRegistry {
  private readonly entries = new Map<string, Entry>();
  private readonly listeners: ((change: RegistryChange) => void)[] = [];
  private readonly now: () => number;
  private readonly ejection: EjectionPolicy;

  constructor(options: Partial<RegistryOptions> = {}) {
    this.now = options.now ?? Date.now;
    this.ejection = options.ejection ?? DEFAULT_EJECTION;
  }

  /** Called after each instance added or removed (the health checker follows along). */
  onChange(listener: (change: RegistryChange) => void): void {
    this.listeners.push(listener);
  }

  /** Makes the instances of `source` for `service` exactly `urls` (static and DNS providers). */
  sync(source: InstanceSource, service: string, urls: readonly string[]): void {
    const wanted = new Map(urls.map((url) => [idOf(service, url), normalized(url)]));
    for (const entry of [...this.entries.values()]) {
      if (entry.source === source && entry.service === service && !wanted.has(entry.id)) {
        this.remove(entry.id);
      }
    }
    for (const [id, url] of wanted) {
      if (!this.entries.has(id)) this.add({ id, service, url, source });
    }
  }

  /** Registers an instance, or renews its lease if it is known (self-registration). */
  register(registration: Registration): { instance: ServiceInstance; created: boolean } {
    const leaseExpiresAt = this.now() + registration.leaseTtlMs;
    const known = this.entries.get(registration.id);
    if (known && known.url === normalized(registration.url)) {
      known.leaseExpiresAt = leaseExpiresAt;
      return { instance: this.view(known), created: false };
    }
    // Same id, new address (a restarted pod keeps its name): start over as a fresh instance.
    if (known) this.remove(known.id);
    const entry = this.add({ ...registration, source: 'self-registration' });
    entry.leaseExpiresAt = leaseExpiresAt;
    return { instance: this.view(entry), created: true };
  }

  remove(id: string): boolean {
    const entry = this.entries.get(id);
    if (!entry) return false;
    this.entries.delete(id);
    this.emit({ kind: 'removed', instance: this.view(entry) });
    return true;
  }

  /** Drops every self-registered instance whose lease ran out; returns them. */
  evictExpired(): ServiceInstance[] {
    const now = this.now();
    const expired = [...this.entries.values()].filter(
      (entry) => entry.leaseExpiresAt !== undefined && entry.leaseExpiresAt <= now,
    );
    for (const entry of expired) this.remove(entry.id);
    return expired.map((entry) => this.view(entry));
  }

  get(id: string): ServiceInstance | undefined {
    const entry = this.entries.get(id);
    return entry && this.view(entry);
  }

  list(): ServiceInstance[] {
    return [...this.entries.values()]
      .map((entry) => this.view(entry))
      .sort((a, b) => a.service.localeCompare(b.service) || a.id.localeCompare(b.id));
  }

  /** On every proxied request (through `healthy`): only this service's entries are viewed. */
  instancesOf(service: string): ServiceInstance[] {
    return [...this.entries.values()]
      .filter((entry) => entry.service === service)
      .map((entry) => this.view(entry))
      .sort((a, b) => a.id.localeCompare(b.id));
  }

  /** The instances of a service that may take traffic. */
  healthy(service: string): ServiceInstance[] {
    return this.instancesOf(service).filter((instance) => instance.status === 'UP');
  }

  /**
   * A readiness check's result: DOWN at once when it fails, UP again when it passes. A pass after
   * a failed check also ends an ejection (as Envoy's `successful_active_health_check_uneject_host`):
   * the instance went down and came back, a new life, so what it failed before no longer counts.
   */
  recordCheck(id: string, passed: boolean): void {
    const entry = this.entries.get(id);
    if (!entry) return;
    const cameBack = passed && entry.lastCheckPassed === false;
    entry.lastCheck = this.now();
    entry.lastCheckPassed = passed;
    entry.failures = passed ? 0 : entry.failures + 1;
    if (cameBack && this.statusOf(entry) === 'EJECTED') entry.ejectedUntil = this.now();
    if (this.statusOf(entry) !== 'EJECTED') entry.status = passed ? 'UP' : 'DOWN';
  }

  /** A request it answered (any status below 500). */
  recordSuccess(id: string): void {
    const entry = this.entries.get(id);
    if (entry) entry.failures = 0;
  }

  /**
   * A request it failed (no connection, reset, timeout or 5xx): enough in a row eject it, even
   * when it is its service's last instance. An instance failing every request is not healthy, and
   * ejecting it costs only its own routes (a fast 503), never the gateway's readiness
   * (docs/architecture.md, "Discovery").
   */
  recordFailure(id: string): void {
    const entry = this.entries.get(id);
    if (!entry) return;
    entry.failures += 1;
    if (entry.failures >= this.ejection.consecutiveFailures && this.statusOf(entry) !== 'EJECTED') {
      this.eject(entry);
    }
  }

  private eject(entry: Entry): void {
    const now = this.now();
    // An instance that stayed in for longer than the longest ejection starts over at the base.
    if (entry.ejectedUntil !== undefined && now - entry.ejectedUntil > this.ejection.maxMs) {
      entry.ejections = 0;
    }
    const length = Math.min(this.ejection.baseMs * 2 ** entry.ejections, this.ejection.maxMs);
    entry.ejections += 1;
    entry.ejectedUntil = now + length;
    entry.status = 'EJECTED';
    entry.failures = 0;
  }

  /** An ejection ends by itself: the instance goes back to what its last check said. */
  private statusOf(entry: Entry): InstanceStatus {
    if (
      entry.status === 'EJECTED' &&
      entry.ejectedUntil !== undefined &&
      entry.ejectedUntil <= this.now()
    ) {
      entry.status = entry.lastCheckPassed === false ? 'DOWN' : 'UP';
    }
    return entry.status;
  }

  private add(instance: {
    id: string;
    service: string;
    url: string;
    source: InstanceSource;
  }): Entry {
    const entry: Entry = {
      ...instance,
      url: normalized(instance.url),
      status: 'UNKNOWN',
      failures: 0,
      ejections: 0,
    };
    this.entries.set(entry.id, entry);
    this.emit({ kind: 'added', instance: this.view(entry) });
    return entry;
  }

  private view(entry: Entry): ServiceInstance {
    const status = this.statusOf(entry);
    return {
      id: entry.id,
      service: entry.service,
      url: entry.url,
      source: entry.source,
      status,
      lastCheck: isoOrNull(entry.lastCheck),
      failures: entry.failures,
      ejectedUntil: status === 'EJECTED' ? isoOrNull(entry.ejectedUntil) : null,
      leaseExpiresAt: isoOrNull(entry.leaseExpiresAt),
    };
  }

  private emit(change: RegistryChange): void {
    for (const listener of this.listeners) listener(change);
  }
}

/** Static and DNS instances are named by their address: the same URL is the same instance. */
function idOf(service: string, url: string): string {
  return `${service}@${new URL(normalized(url)).host}`;
}

function normalized(url: string): string {
  return url.replace(/\/+$/, '');
}

function isoOrNull(time: number | undefined): string | null {
  return time === undefined ? null : new Date(time).toISOString();
}

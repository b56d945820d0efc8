/**
 * UP takes traffic; DOWN failed its last readiness check; EJECTED failed too many requests in a
 * row and sits out for a while; UNKNOWN is not checked yet.
 */
export type InstanceStatus = 'UP' | 'DOWN' | 'EJECTED' | 'UNKNOWN';

/** Which provider put the instance in the registry. */
export type InstanceSource = 'static' | 'dns' | 'self-registration';

/** One instance of a service, as the registry shows it. */
export interface ServiceInstance {
  id: string;
  service: string;
  url: string;
  source: InstanceSource;
  status: InstanceStatus;
  /** When its readiness was last checked (ISO 8601), or null before the first check. */
  lastCheck: string | null;
  /** Consecutive failed checks or requests. */
  failures: number;
  /** Until when it sits out after an ejection. */
  ejectedUntil: string | null;
  /** When a self-registered instance is evicted unless it renews. */
  leaseExpiresAt: string | null;
}

/** What an instance announces when it registers or renews. */
export interface Registration {
  id: string;
  service: string;
  url: string;
  leaseTtlMs: number;
}

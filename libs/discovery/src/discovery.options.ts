import type { DiscoveryProvider } from '@app/config';
import type { DnsTarget } from './dns.provider.js';
import type { HealthCheckOptions } from './health-checker.js';
import type { EjectionPolicy } from './instance-registry.js';

export interface DiscoveryOptions {
  provider: DiscoveryProvider;
  /**
   * Each service and its URLs: the instances themselves (`static`), the name to resolve
   * (`dns`: the host of the first URL). Unused by `self-registration`.
   */
  services: { service: string; urls: string[] }[];
  health: HealthCheckOptions;
  ejection: EjectionPolicy;
  /** How often `dns` resolves again. */
  dnsIntervalMs: number;
  /** How often expired self-registrations are evicted. */
  evictionIntervalMs: number;
}

export const DISCOVERY_OPTIONS = Symbol('DISCOVERY_OPTIONS');

export function dnsTargetsOf(options: DiscoveryOptions): DnsTarget[] {
  return options.services.flatMap(({ service, urls }) =>
    urls.length > 0 ? [{ service, url: urls[0] }] : [],
  );
}

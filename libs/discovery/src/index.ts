export { DiscoveryLifecycle } from './discovery.lifecycle.js';
export { DiscoveryModule } from './discovery.module.js';
export type { DiscoveryOptions } from './discovery.options.js';
export { DnsProvider, type AddressResolver, type DnsTarget } from './dns.provider.js';
export { HealthChecker, type HealthCheckOptions } from './health-checker.js';
export {
  DEFAULT_EJECTION,
  InstanceRegistry,
  type EjectionPolicy,
  type RegistryChange,
} from './instance-registry.js';
export {
  REGISTRATION_PATH,
  RegistrationClient,
  type RegistrationOptions,
} from './registration.client.js';
export { RegistrationModule } from './registration.module.js';
export { LeastPendingBalancer } from './least-pending.balancer.js';
export type {
  InstanceSource,
  InstanceStatus,
  Registration,
  ServiceInstance,
} from './service-instance.js';

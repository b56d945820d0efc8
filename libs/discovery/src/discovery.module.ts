import { Module, type DynamicModule } from '@nestjs/common';
import { DiscoveryLifecycle } from './discovery.lifecycle.js';
import { DISCOVERY_OPTIONS, type DiscoveryOptions } from './discovery.options.js';
import { InstanceRegistry } from './instance-registry.js';
import { LeastPendingBalancer } from './least-pending.balancer.js';

/** The registry of instances, filled by the configured provider and health-checked. */
@Module({})
export class DiscoveryModule {
  static forRoot(options: DiscoveryOptions): DynamicModule {
    return {
      module: DiscoveryModule,
      providers: [
        { provide: DISCOVERY_OPTIONS, useValue: options },
        {
          provide: InstanceRegistry,
          useFactory: () => new InstanceRegistry({ ejection: options.ejection }),
        },
        {
          provide: LeastPendingBalancer,
          useFactory: (registry: InstanceRegistry) => new LeastPendingBalancer(registry),
          inject: [InstanceRegistry],
        },
        DiscoveryLifecycle,
      ],
      exports: [InstanceRegistry, LeastPendingBalancer, DiscoveryLifecycle],
    };
  }
}

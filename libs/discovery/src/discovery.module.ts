import { Module, type DynamicModule } from '@nestjs/common';
import { DiscoveryLifecycle } from './discovery.lifecycle.js';
import { DISCOVERY_OPTIONS, type DiscoveryOptions } from './discovery.options.js';
import { InstanceRegistry } from './instance-registry.js';
import { RoundRobinBalancer } from './round-robin.balancer.js';

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
          provide: RoundRobinBalancer,
          useFactory: (registry: InstanceRegistry) => new RoundRobinBalancer(registry),
          inject: [InstanceRegistry],
        },
        DiscoveryLifecycle,
      ],
      exports: [InstanceRegistry, RoundRobinBalancer],
    };
  }
}

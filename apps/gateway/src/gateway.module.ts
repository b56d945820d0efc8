import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { infrastructureModules } from '@app/runtime';
import { DevTokenController } from './auth/dev-token.controller.js';
import { DevTokenIssuer } from './auth/dev-token.issuer.js';
import { CustomersController } from './customers/customers.controller.js';
import { CustomersService } from './customers/customers.service.js';
import { DeadLettersController } from './dead-letters/dead-letters.controller.js';
import { DeadLettersService } from './dead-letters/dead-letters.service.js';
import { GatewayExceptionFilter } from './errors/gateway-exception.filter.js';
import { GATEWAY_CONFIG, type GatewayConfig } from './gateway.config.js';
import { UpstreamMetrics } from './metrics/upstream-metrics.js';
import { OrdersController } from './orders/orders.controller.js';
import { OrdersService } from './orders/orders.service.js';
import { RegistryModule } from './registry/registry.module.js';
import { DiscoveryReadiness } from './registry/discovery.readiness.js';
import { SagasController } from './sagas/sagas.controller.js';
import { EventStreamSlots } from './sagas/event-stream-slots.js';
import { SagasService } from './sagas/sagas.service.js';
import { CorsMiddleware } from './security/cors.middleware.js';
import type { GatewayEdges } from './security/rate-limits.js';
import { UpstreamClient } from './upstream/upstream.client.js';

/** The only public door. It owns no database and speaks only HTTP to the services behind it. */
@Module({})
export class GatewayModule {
  /** `edges`: what only the real process adds (the rate limits: see security/rate-limits.ts). */
  static register(
    config: GatewayConfig,
    edges: GatewayEdges = { imports: [], guards: [] },
  ): DynamicModule {
    return {
      module: GatewayModule,
      imports: [
        ...infrastructureModules({
          service: 'gateway',
          config,
          readiness: [DiscoveryReadiness],
          selfRegister: false,
        }),
        RegistryModule.register(config),
        ...edges.imports,
      ],
      controllers: [
        // Without dev tokens the route does not exist at all (404).
        ...(config.AUTH_DEV_TOKENS ? [DevTokenController] : []),
        CustomersController,
        OrdersController,
        SagasController,
        DeadLettersController,
      ],
      providers: [
        { provide: GATEWAY_CONFIG, useValue: config },
        ...edges.guards.map((guard) => ({ provide: APP_GUARD, useClass: guard })),
        { provide: APP_FILTER, useClass: GatewayExceptionFilter },
        CorsMiddleware,
        CustomersService,
        DeadLettersService,
        DevTokenIssuer,
        OrdersService,
        SagasService,
        EventStreamSlots,
        UpstreamClient,
        UpstreamMetrics,
      ],
    };
  }
}

import {
  Module,
  RequestMethod,
  type DynamicModule,
  type MiddlewareConsumer,
  type NestModule,
} from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { infrastructureModules } from '@app/runtime';
import { AuthGuard } from './auth/auth.guard.js';
import { DevTokenController } from './auth/dev-token.controller.js';
import { DevTokenIssuer } from './auth/dev-token.issuer.js';
import { JwtVerifier } from './auth/jwt-verifier.js';
import { CustomersController } from './customers/customers.controller.js';
import { CustomersService } from './customers/customers.service.js';
import { GatewayExceptionFilter } from './errors/gateway-exception.filter.js';
import { GATEWAY_CONFIG, type GatewayConfig } from './gateway.config.js';
import { OrdersController } from './orders/orders.controller.js';
import { OrdersService } from './orders/orders.service.js';
import { SagasController } from './sagas/sagas.controller.js';
import { SagasService } from './sagas/sagas.service.js';
import { CorsMiddleware } from './security/cors.middleware.js';
import { SecurityHeadersMiddleware } from './security/security-headers.middleware.js';
import { ServiceDirectory, StaticServiceDirectory } from './upstream/service-directory.js';
import { UpstreamClient } from './upstream/upstream.client.js';

/** The only public door. It owns no database and speaks only HTTP to the services behind it. */
@Module({})
export class GatewayModule implements NestModule {
  static register(config: GatewayConfig): DynamicModule {
    return {
      module: GatewayModule,
      imports: infrastructureModules({ service: 'gateway', config }),
      controllers: [
        // Without dev tokens the route does not exist at all (404).
        ...(config.AUTH_DEV_TOKENS ? [DevTokenController] : []),
        CustomersController,
        OrdersController,
        SagasController,
      ],
      providers: [
        { provide: GATEWAY_CONFIG, useValue: config },
        { provide: ServiceDirectory, useClass: StaticServiceDirectory },
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_FILTER, useClass: GatewayExceptionFilter },
        CorsMiddleware,
        CustomersService,
        DevTokenIssuer,
        JwtVerifier,
        OrdersService,
        SagasService,
        UpstreamClient,
      ],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer
      .apply(SecurityHeadersMiddleware, CorsMiddleware)
      .forRoutes({ path: '{*path}', method: RequestMethod.ALL });
  }
}

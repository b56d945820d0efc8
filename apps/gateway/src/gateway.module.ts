import { DynamicModule, Module } from '@nestjs/common';
import { infrastructureModules } from '@app/runtime';
import type { GatewayConfig } from './gateway.config.js';

/** The only public door. It owns no database and speaks only HTTP to the services behind it. */
@Module({})
export class GatewayModule {
  static register(config: GatewayConfig): DynamicModule {
    return {
      module: GatewayModule,
      imports: infrastructureModules({ service: 'gateway', config }),
    };
  }
}

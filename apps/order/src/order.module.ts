import { DynamicModule, Module } from '@nestjs/common';
import { infrastructureModules } from '@app/runtime';
import type { OrderConfig } from './order.config.js';
import { orderSchema } from './order.schema.js';

@Module({})
export class OrderModule {
  static register(config: OrderConfig): DynamicModule {
    return {
      module: OrderModule,
      imports: infrastructureModules({
        service: 'order',
        config,
        database: orderSchema,
        messaging: { consume: ['order.commands'] },
      }),
    };
  }
}

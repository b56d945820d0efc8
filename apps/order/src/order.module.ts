import { DynamicModule, Module } from '@nestjs/common';
import { infrastructureModules } from '@app/runtime';
import { Order } from './order.entity.js';
import { CreateOrders1795653838246 } from './migrations/1795653838246-create-orders.js';
import type { OrderConfig } from './order.config.js';

@Module({})
export class OrderModule {
  static register(config: OrderConfig): DynamicModule {
    return {
      module: OrderModule,
      imports: infrastructureModules({
        service: 'order',
        config,
        database: { schema: 'orders', entities: [Order], migrations: [CreateOrders1795653838246] },
      }),
    };
  }
}

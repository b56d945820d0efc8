import { DynamicModule, Module } from '@nestjs/common';
import { infrastructureModules } from '@app/runtime';
import { OrderMessagesController } from './order-messages.controller.js';
import type { OrderConfig } from './order.config.js';
import { OrderController } from './order.controller.js';
import { OrderRepository } from './order.repository.js';
import { orderSchema } from './order.schema.js';
import { OrderService } from './order.service.js';

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
      controllers: [OrderController, OrderMessagesController],
      providers: [OrderService, OrderRepository],
    };
  }
}

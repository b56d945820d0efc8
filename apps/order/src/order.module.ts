import { DynamicModule, Module } from '@nestjs/common';
import { ParticipantModule } from '@app/participant';
import { AbortOrderCancellationHandler } from './commands/abort-order-cancellation.handler.js';
import { ApproveOrderHandler } from './commands/approve-order.handler.js';
import { BeginOrderCancellationHandler } from './commands/begin-order-cancellation.handler.js';
import { CompleteOrderCancellationHandler } from './commands/complete-order-cancellation.handler.js';
import { CreatePendingOrderHandler } from './commands/create-pending-order.handler.js';
import { RejectOrderHandler } from './commands/reject-order.handler.js';
import { LogOrderEventsHandler } from './events/log-order-events.handler.js';
import { OrderMessagesController } from './order-messages.controller.js';
import { OrderCancelWindow } from './order-cancel-window.js';
import type { OrderConfig } from './order.config.js';
import { OrderController } from './order.controller.js';
import { OrderRepository } from './order.repository.js';
import { orderSchema } from './order.schema.js';
import { GetOrderHandler } from './queries/get-order.handler.js';
import { ListOrdersHandler } from './queries/list-orders.handler.js';
import { TypeOrmOrderRepository } from './typeorm-order.repository.js';

@Module({})
export class OrderModule {
  static register(config: OrderConfig): DynamicModule {
    return {
      module: OrderModule,
      imports: [ParticipantModule.forRoot({ service: 'order', config, schema: orderSchema })],
      controllers: [OrderController, OrderMessagesController],
      providers: [
        CreatePendingOrderHandler,
        ApproveOrderHandler,
        RejectOrderHandler,
        BeginOrderCancellationHandler,
        AbortOrderCancellationHandler,
        CompleteOrderCancellationHandler,
        {
          provide: OrderCancelWindow,
          useValue: new OrderCancelWindow(config.ORDER_CANCEL_WINDOW_MS),
        },
        GetOrderHandler,
        ListOrdersHandler,
        LogOrderEventsHandler,
        { provide: OrderRepository, useClass: TypeOrmOrderRepository },
      ],
    };
  }
}

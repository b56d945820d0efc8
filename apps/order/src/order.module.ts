import { DynamicModule, Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { DomainEventMetrics } from '@app/metrics';
import { BrokerConnection, MessagingModule, messagingOptionsOf } from '@app/messaging';
import {
  AfterCommitPublisher,
  DatabaseHealthIndicator,
  PersistenceModule,
  persistenceOptionsOf,
} from '@app/persistence';
import { infrastructureModules } from '@app/runtime';
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
      imports: [
        ...infrastructureModules({
          service: 'order',
          config,
          data: [
            PersistenceModule.forRoot(persistenceOptionsOf('order', config, orderSchema)),
            MessagingModule.forRoot(
              messagingOptionsOf('order', config, { consume: ['order.commands'] }),
            ),
          ],
          readiness: [DatabaseHealthIndicator, BrokerConnection],
        }),
        CqrsModule.forRoot(),
      ],
      controllers: [OrderController, OrderMessagesController],
      providers: [
        DomainEventMetrics,
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
        AfterCommitPublisher,
        { provide: OrderRepository, useClass: TypeOrmOrderRepository },
      ],
    };
  }
}

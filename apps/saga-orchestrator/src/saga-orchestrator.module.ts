import { DynamicModule, Module } from '@nestjs/common';
import { REPLIES_QUEUE } from '@app/messaging';
import { infrastructureModules } from '@app/runtime';
import { SagaModule } from '@app/saga';
import { DeadLettersModule } from './dead-letters/dead-letters.module.js';
import { MessagingGauges } from './metrics/messaging-gauges.js';
import { PLACE_ORDER_SAGA, PlaceOrderController } from './place-order/place-order.controller.js';
import { placeOrderSaga } from './place-order/place-order.saga.js';
import type { SagaOrchestratorConfig } from './saga-orchestrator.config.js';
import { sagaOrchestratorSchema } from './saga-orchestrator.schema.js';
import { SagaBulkActions } from './sagas/saga-bulk-actions.js';
import { SagasController } from './sagas/sagas.controller.js';

@Module({})
export class SagaOrchestratorModule {
  static register(config: SagaOrchestratorConfig): DynamicModule {
    const placeOrder = placeOrderSaga({
      stepTimeoutMs: config.PLACE_ORDER_STEP_TIMEOUT_MS,
      paymentTimeoutMs: config.PLACE_ORDER_PAYMENT_TIMEOUT_MS,
      paymentAttempts: config.PLACE_ORDER_PAYMENT_ATTEMPTS,
      stepBudgetMs: config.PLACE_ORDER_STEP_BUDGET_MS,
      retry: {
        initialDelayMs: config.SAGA_RETRY_INITIAL_DELAY_MS,
        maxDelayMs: config.SAGA_RETRY_MAX_DELAY_MS,
      },
    });
    return {
      module: SagaOrchestratorModule,
      imports: [
        ...infrastructureModules({
          service: 'saga-orchestrator',
          config,
          database: sagaOrchestratorSchema,
          messaging: { consume: [REPLIES_QUEUE], replyTo: REPLIES_QUEUE },
        }),
        SagaModule.forRoot({
          definitions: [placeOrder],
          deadlineScanIntervalMs: config.SAGA_DEADLINE_SCAN_INTERVAL_MS,
        }),
        DeadLettersModule,
      ],
      controllers: [PlaceOrderController, SagasController],
      providers: [
        { provide: PLACE_ORDER_SAGA, useValue: placeOrder },
        MessagingGauges,
        SagaBulkActions,
      ],
    };
  }
}

import { DynamicModule, Module } from '@nestjs/common';
import {
  BrokerConnection,
  MessagingModule,
  messagingOptionsOf,
  REPLIES_QUEUE,
} from '@app/messaging';
import { DatabaseHealthIndicator, PersistenceModule, persistenceOptionsOf } from '@app/persistence';
import { infrastructureModules } from '@app/runtime';
import { SagaModule } from '@app/saga';
import { DeadLettersModule } from './dead-letters/dead-letters.module.js';
import { MessagingGauges } from './metrics/messaging-gauges.js';
import { PLACE_ORDER_SAGA, PlaceOrderController } from './place-order/place-order.controller.js';
import { placeOrderSaga } from './place-order/place-order.saga.js';
import type { SagaOrchestratorConfig } from './saga-orchestrator.config.js';
import { sagaOrchestratorSchema } from './saga-orchestrator.schema.js';
import {
  SAGA_EVENT_STREAM_LIMITS,
  SagaEventStreams,
  type SagaEventStreamLimits,
} from './sagas/saga-event-streams.js';
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
          data: [
            PersistenceModule.forRoot(
              persistenceOptionsOf('saga-orchestrator', config, sagaOrchestratorSchema),
            ),
            MessagingModule.forRoot(
              messagingOptionsOf('saga-orchestrator', config, {
                consume: [REPLIES_QUEUE],
                replyTo: REPLIES_QUEUE,
              }),
            ),
          ],
          readiness: [DatabaseHealthIndicator, BrokerConnection],
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
        {
          provide: SAGA_EVENT_STREAM_LIMITS,
          useValue: {
            perPrincipal: config.SAGA_EVENT_STREAMS_PER_CALLER,
            perInstance: config.SAGA_EVENT_STREAMS_PER_INSTANCE,
            maxLifetimeMs: config.SAGA_EVENT_STREAM_MAX_LIFETIME_MS,
            heartbeatMs: config.SAGA_EVENT_STREAM_HEARTBEAT_MS,
            pollMs: config.SAGA_EVENT_STREAM_POLL_MS,
          } satisfies SagaEventStreamLimits,
        },
        SagaEventStreams,
        MessagingGauges,
        SagaBulkActions,
      ],
    };
  }
}

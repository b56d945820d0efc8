import { DynamicModule, Module } from '@nestjs/common';
import {
  BrokerConnection,
  MessagingModule,
  messagingOptionsOf,
  REPLIES_QUEUE,
} from '@app/messaging';
import { DatabaseHealthIndicator, PersistenceModule, persistenceOptionsOf } from '@app/persistence';
import { infrastructureModules } from '@app/runtime';
import { SagaModule, SagaVersionsCheck } from '@app/saga';
import { CancelOrderController } from './cancel-order/cancel-order.controller.js';
import { cancelOrderSaga } from './cancel-order/cancel-order.saga.js';
import { DeadLettersModule } from './dead-letters/dead-letters.module.js';
import { MessagingGauges } from './metrics/messaging-gauges.js';
import { PlaceOrderController } from './place-order/place-order.controller.js';
import { placeOrderSagaV2 } from './place-order/place-order-v2.saga.js';
import { placeOrderSaga } from './place-order/place-order.saga.js';
import type { SagaOrchestratorConfig } from './saga-orchestrator.config.js';
import { sagaOrchestratorSchema } from './saga-orchestrator.schema.js';
import {
  SAGA_EVENT_STREAM_LIMITS,
  SagaEventStreams,
  type SagaEventStreamLimits,
} from './sagas/saga-event-streams.js';
import { SagaBulkActions } from './sagas/saga-bulk-actions.js';
import { SagaStarter } from './sagas/saga-starter.js';
import { SagasController } from './sagas/sagas.controller.js';

@Module({})
export class SagaOrchestratorModule {
  static register(config: SagaOrchestratorConfig): DynamicModule {
    const retry = {
      initialDelayMs: config.SAGA_RETRY_INITIAL_DELAY_MS,
      maxDelayMs: config.SAGA_RETRY_MAX_DELAY_MS,
    };
    const placeOrderSettings = {
      stepTimeoutMs: config.PLACE_ORDER_STEP_TIMEOUT_MS,
      paymentTimeoutMs: config.PLACE_ORDER_PAYMENT_TIMEOUT_MS,
      paymentAttempts: config.PLACE_ORDER_PAYMENT_ATTEMPTS,
      stepBudgetMs: config.PLACE_ORDER_STEP_BUDGET_MS,
      retry,
    };
    const placeOrderVersions = { 1: placeOrderSaga, 2: placeOrderSagaV2 } as const;
    const placeOrder = config.PLACE_ORDER_VERSIONS.map((version) =>
      placeOrderVersions[version as 1 | 2](placeOrderSettings),
    );
    const cancelOrder = cancelOrderSaga({
      stepTimeoutMs: config.CANCEL_ORDER_STEP_TIMEOUT_MS,
      refundTimeoutMs: config.CANCEL_ORDER_REFUND_TIMEOUT_MS,
      refundAttempts: config.CANCEL_ORDER_REFUND_ATTEMPTS,
      stepBudgetMs: config.PLACE_ORDER_STEP_BUDGET_MS,
      retry,
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
          // Not ready while live instances run on a definition version this build lacks.
          readiness: [DatabaseHealthIndicator, BrokerConnection, SagaVersionsCheck],
        }),
        SagaModule.forRoot({
          // Older versions stay here while instances may still run on them.
          definitions: [...placeOrder, cancelOrder],
          deadlineScanIntervalMs: config.SAGA_DEADLINE_SCAN_INTERVAL_MS,
          idempotencyKeyRetentionMs: config.IDEMPOTENCY_KEY_RETENTION_MS,
        }),
        DeadLettersModule,
      ],
      controllers: [PlaceOrderController, CancelOrderController, SagasController],
      providers: [
        SagaStarter,
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

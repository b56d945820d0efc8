import { AfterCommit } from '@app/persistence';
import { DynamicModule, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { DeadlineScanner } from './deadline-scanner.js';
import { IdempotencyKeyPurge } from './idempotency-key-purge.js';
import { SagaEngine } from './saga-engine.js';
import { SagaMetrics } from './saga-metrics.js';
import { SagaQueries } from './saga-queries.js';
import { SagaRegistry } from './saga-registry.js';
import { sagaRepliesController } from './saga-replies.controller.js';
import { SagaStore } from './saga-store.js';
import { SAGA_OPTIONS, type SagaModuleOptions } from './saga.options.js';
import { SagaChanges } from './saga-changes.js';
import { SagaRecordCache } from './saga-record-cache.js';
import { SagaVersionsCheck } from './saga-versions.check.js';

/**
 * The saga engine: runs the given definitions, consumes their replies and scans deadlines. Needs
 * the app's DataSource and messaging (with the replies queue consumed), and the `saga_instances`
 * and `saga_steps` tables in the app's schema (`sagaMigrations`). Global, so the app's health
 * module can take `SagaVersionsCheck` as a readiness indicator.
 */
@Module({})
export class SagaModule {
  static forRoot(options: SagaModuleOptions): DynamicModule {
    return {
      module: SagaModule,
      global: true,
      imports: [TerminusModule],
      // The replies reach the engine through the app's message transport and Nest's pipeline.
      controllers: [sagaRepliesController(options.definitions)],
      providers: [
        { provide: SAGA_OPTIONS, useValue: options },
        { provide: SagaRegistry, useValue: new SagaRegistry(options.definitions) },
        SagaStore,
        AfterCommit,
        SagaChanges,
        { provide: SagaRecordCache, useValue: new SagaRecordCache() },
        SagaEngine,
        SagaQueries,
        SagaMetrics,
        DeadlineScanner,
        IdempotencyKeyPurge,
        SagaVersionsCheck,
      ],
      exports: [
        SagaEngine,
        SagaQueries,
        SagaChanges,
        SagaMetrics,
        SagaRegistry,
        DeadlineScanner,
        IdempotencyKeyPurge,
        SagaVersionsCheck,
      ],
    };
  }
}

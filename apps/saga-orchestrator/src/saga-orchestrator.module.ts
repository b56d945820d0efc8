import { DynamicModule, Module } from '@nestjs/common';
import { infrastructureModules } from '@app/runtime';
import { SagaInstance } from './saga-instance.entity.js';
import { CreateSagaInstances1795653838246 } from './migrations/1795653838246-create-saga-instances.js';
import type { SagaOrchestratorConfig } from './saga-orchestrator.config.js';

@Module({})
export class SagaOrchestratorModule {
  static register(config: SagaOrchestratorConfig): DynamicModule {
    return {
      module: SagaOrchestratorModule,
      imports: infrastructureModules({
        service: 'saga-orchestrator',
        config,
        database: {
          schema: 'orchestrator',
          entities: [SagaInstance],
          migrations: [CreateSagaInstances1795653838246],
        },
      }),
    };
  }
}

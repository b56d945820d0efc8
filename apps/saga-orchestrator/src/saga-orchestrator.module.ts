import { DynamicModule, Module } from '@nestjs/common';
import { infrastructureModules } from '@app/runtime';
import type { SagaOrchestratorConfig } from './saga-orchestrator.config.js';
import { sagaOrchestratorSchema } from './saga-orchestrator.schema.js';

@Module({})
export class SagaOrchestratorModule {
  static register(config: SagaOrchestratorConfig): DynamicModule {
    return {
      module: SagaOrchestratorModule,
      imports: infrastructureModules({
        service: 'saga-orchestrator',
        config,
        database: sagaOrchestratorSchema,
      }),
    };
  }
}

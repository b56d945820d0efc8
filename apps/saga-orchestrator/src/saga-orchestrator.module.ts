import { DynamicModule, Module } from '@nestjs/common';
import { REPLIES_QUEUE } from '@app/messaging';
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
        messaging: { consume: [REPLIES_QUEUE], replyTo: REPLIES_QUEUE },
      }),
    };
  }
}

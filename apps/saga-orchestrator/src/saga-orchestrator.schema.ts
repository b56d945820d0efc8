import type { SchemaDefinition } from '@app/runtime';
import { SagaInstance } from './saga-instance.entity.js';
import { CreateSagaInstances1795653838246 } from './migrations/1795653838246-create-saga-instances.js';

/** The `orchestrator` schema: owned by saga-orchestrator alone, changed only by these migrations. */
export const sagaOrchestratorSchema: SchemaDefinition = {
  schema: 'orchestrator',
  entities: [SagaInstance],
  migrations: [CreateSagaInstances1795653838246],
};

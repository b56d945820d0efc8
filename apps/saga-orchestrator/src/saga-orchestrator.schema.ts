import type { SchemaDefinition } from '@app/runtime';
import { sagaMigrations } from '@app/saga';
import { CreateDeadLetters1795690000000 } from './migrations/1795690000000-create-dead-letters.js';

/**
 * The `orchestrator` schema: owned by saga-orchestrator alone, changed only by these migrations.
 * Its tables `saga_instances` and `saga_steps` come with @app/saga (its SQL, its migrations), and
 * `dead_letters` with the dead-letters feature, so no entity classes are mapped.
 */
export const sagaOrchestratorSchema: SchemaDefinition = {
  schema: 'orchestrator',
  entities: [],
  migrations: [...sagaMigrations, CreateDeadLetters1795690000000],
};

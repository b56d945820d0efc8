import { withMessagingTables } from '@app/messaging';
import type { SchemaDefinition } from '@app/persistence';
import { sagaMigrations } from '@app/saga';
import { CreateDeadLetters1795690000000 } from './migrations/1795690000000-create-dead-letters.js';

/**
 * The `orchestrator` schema: owned by saga-orchestrator alone, changed only by these migrations.
 * Its tables `saga_instances` and `saga_steps` come with @app/saga (its SQL, its migrations), and
 * `dead_letters` with the dead-letters feature, so no entity classes are mapped.
 */
// With the outbox and inbox tables of @app/messaging, so `main.js migrate` makes them too.
export const sagaOrchestratorSchema: SchemaDefinition = withMessagingTables({
  schema: 'orchestrator',
  entities: [],
  migrations: [...sagaMigrations, CreateDeadLetters1795690000000],
});

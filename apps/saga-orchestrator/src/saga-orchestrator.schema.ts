import { withMessagingTables } from '@app/messaging';
import type { SchemaDefinition } from '@app/persistence';
import { CreateSagaInstances1795653838246 } from './migrations/1795653838246-create-saga-instances.js';
import { AddSagaEngineState1795655100000 } from './migrations/1795655100000-add-saga-engine-state.js';
import { AddSagaTraceAndStepClock1795680000000 } from './migrations/1795680000000-add-saga-trace-and-step-clock.js';
import { AddStepStartedAt1795680000001 } from './migrations/1795680000001-add-step-started-at.js';
import { CreateDeadLetters1795690000000 } from './migrations/1795690000000-create-dead-letters.js';

/**
 * The `orchestrator` schema: owned by saga-orchestrator alone, changed only by these migrations.
 * Its tables (`saga_instances`, `saga_steps`) are read and written by @app/saga's SQL, and
 * `dead_letters` by the dead-letters feature's, so no entity classes are mapped.
 */
// With the outbox and inbox tables of @app/messaging, so `main.js migrate` makes them too.
export const sagaOrchestratorSchema: SchemaDefinition = withMessagingTables({
  schema: 'orchestrator',
  entities: [],
  migrations: [
    CreateSagaInstances1795653838246,
    AddSagaEngineState1795655100000,
    AddSagaTraceAndStepClock1795680000000,
    AddStepStartedAt1795680000001,
    CreateDeadLetters1795690000000,
  ],
});

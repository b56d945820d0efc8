import { CreateSagaInstances1795653838246 } from './1795653838246-create-saga-instances.js';
import { AddSagaEngineState1795655100000 } from './1795655100000-add-saga-engine-state.js';
import { AddSagaTraceAndStepClock1795680000000 } from './1795680000000-add-saga-trace-and-step-clock.js';
import { AddStepStartedAt1795680000001 } from './1795680000001-add-step-started-at.js';
import { VersionSagaDefinitions1795720000000 } from './1795720000000-version-saga-definitions.js';

/**
 * The `saga_instances` and `saga_steps` tables, to add to the migrations of the app that runs the
 * engine. Their names and timestamps are those they had in the orchestrator's list, so a schema
 * migrated before they moved here does not run them again.
 */
export const sagaMigrations = [
  CreateSagaInstances1795653838246,
  AddSagaEngineState1795655100000,
  AddSagaTraceAndStepClock1795680000000,
  AddStepStartedAt1795680000001,
  VersionSagaDefinitions1795720000000,
];

export { DeadlineScanner } from './deadline-scanner.js';
export type { Duration } from './duration.js';
export { IdempotencyKeyPurge } from './idempotency-key-purge.js';
export { IdempotencyConflictError } from './idempotency-conflict.error.js';
export {
  defineSaga,
  type AnySagaDefinition,
  type CommandCall,
  type RetryPolicy,
  type SagaDefinition,
  type SagaFailure,
  type SagaStep,
} from './saga-definition.js';
export { SagaAlreadyRunningError } from './saga-already-running.error.js';
export { SagaChanges } from './saga-changes.js';
export { SagaEngine, type StartOptions, type Started } from './saga-engine.js';
export { sagaHarness, SagaHarness, SentCommand } from './saga-harness.js';
export { SagaMetrics } from './saga-metrics.js';
export { SagaNotFoundError } from './saga-not-found.error.js';
export { SagaQueries } from './saga-queries.js';
export type { SagaRecord, SagaStepRecord } from './saga-record.js';
export { SagaRegistry } from './saga-registry.js';
export {
  SagaStateMachine,
  type SagaSnapshot,
  type StepEvent,
  type StepLogEntry,
} from './saga-state-machine.js';
export { SAGA_STATUSES, isTerminal, type SagaStatus } from './saga-status.js';
export type { SagaListFilter } from './saga-store.js';
export { SagaVersionsCheck } from './saga-versions.check.js';
export { sagaMigrations } from './migrations/saga-migrations.js';
export { SagaTransitionError } from './saga-transition.error.js';
export { SagaModule } from './saga.module.js';
export type { SagaModuleOptions } from './saga.options.js';

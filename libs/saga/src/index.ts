// What the apps use. Test helpers (the saga harness, metric registration for the metric-name
// checks) are in `@app/saga/testing`, outside the production face.
export { IdempotencyConflictError } from './idempotency-conflict.error.js';
export { IdempotencyKeyPurge } from './idempotency-key-purge.js';
export { defineSaga, type RetryPolicy, type SagaDefinition } from './saga-definition.js';
export { SagaAlreadyRunningError } from './saga-already-running.error.js';
export { SagaChanges, type SagaMove } from './saga-changes.js';
export { SagaEngine, type StartOptions, type Started } from './saga-engine.js';
export { SagaNotFoundError } from './saga-not-found.error.js';
export { SagaQueries } from './saga-queries.js';
export type { SagaRecord, SagaStepRecord } from './saga-record.js';
export { SagaRegistry } from './saga-registry.js';
export { SAGA_STATUSES, isTerminal, type SagaStatus } from './saga-status.js';
export { SagaVersionsCheck } from './saga-versions.check.js';
export { sagaMigrations } from './migrations/saga-migrations.js';
export { SagaTransitionError } from './saga-transition.error.js';
export { SagaModule } from './saga.module.js';

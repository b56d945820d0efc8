import type { AnySagaDefinition } from './saga-definition.js';

export interface SagaModuleOptions {
  /** Every definition and every older version that instances may still run on. */
  definitions: AnySagaDefinition[];
  /** How often the deadline scanner looks for overdue steps. */
  deadlineScanIntervalMs?: number;
  /** Sagas one scan handles at most, so one scan never runs for long. */
  deadlineScanBatchSize?: number;
  /** How long a start's idempotency key is honoured; past it the key is forgotten (24 h default). */
  idempotencyKeyRetentionMs?: number;
}

export const DEFAULT_IDEMPOTENCY_KEY_RETENTION_MS = 24 * 60 * 60_000;

export const SAGA_OPTIONS = Symbol('SAGA_OPTIONS');

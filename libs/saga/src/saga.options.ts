import type { AnySagaDefinition } from './saga-definition.js';

export interface SagaModuleOptions {
  /** Every definition and every older version that instances may still run on. */
  definitions: AnySagaDefinition[];
  /** How often the deadline scanner looks for overdue steps. */
  deadlineScanIntervalMs?: number;
  /** Sagas one scan handles at most, so one scan never runs for long. */
  deadlineScanBatchSize?: number;
}

export const SAGA_OPTIONS = Symbol('SAGA_OPTIONS');

import type { SagaDirection, SagaSnapshot } from './saga-state-machine.js';
import type { SagaStatus } from './saga-status.js';

/** A saga instance as stored in `saga_instances`. */
export interface SagaRecord {
  id: string;
  sagaType: string;
  definitionVersion: number;
  status: SagaStatus;
  direction: SagaDirection;
  currentStep: number;
  data: object;
  attempt: number;
  awaitingMessageId: string | null;
  deadline: Date | null;
  stepStartedAt: Date | null;
  lastError: string | null;
  version: number;
  customerId: string | null;
  idempotencyKey: string | null;
  requestFingerprint: string | null;
  /** The trace the saga started in: commands sent later (deadlines, retries) continue it. */
  traceparent: string | null;
  /** When the awaited command was first sent (re-sends keep it): a step's latency starts here. */
  awaitingSince: Date | null;
  /** The shape of the definition it started on (null for instances older than fingerprints). */
  definitionFingerprint: string | null;
  /** What the saga acts on (`order:<id>`): one live saga of a type per subject. */
  subject: string | null;
  createdAt: Date;
  updatedAt: Date;
}

/** One line of the timeline as stored in `saga_steps`. */
export interface SagaStepRecord {
  id: number;
  step: number;
  stepName: string;
  direction: SagaDirection;
  event: string;
  messageType: string | null;
  messageId: string | null;
  detail: string | null;
  /** The saga's status right after this entry. */
  status: SagaStatus;
  at: Date;
}

/** The fields of a record a snapshot decides: `snapshotOf`'s way back. */
export function fieldsOf(
  snapshot: SagaSnapshot<object>,
): Pick<
  SagaRecord,
  | 'status'
  | 'direction'
  | 'currentStep'
  | 'data'
  | 'attempt'
  | 'awaitingMessageId'
  | 'deadline'
  | 'stepStartedAt'
  | 'lastError'
> {
  return {
    status: snapshot.status,
    direction: snapshot.direction,
    currentStep: snapshot.currentStep,
    data: snapshot.state,
    attempt: snapshot.attempt,
    awaitingMessageId: snapshot.awaitingMessageId,
    deadline: snapshot.deadline,
    stepStartedAt: snapshot.stepStartedAt,
    lastError: snapshot.lastError,
  };
}

export function snapshotOf(record: SagaRecord): SagaSnapshot<object> {
  return {
    status: record.status,
    direction: record.direction,
    currentStep: record.currentStep,
    state: record.data,
    attempt: record.attempt,
    awaitingMessageId: record.awaitingMessageId,
    deadline: record.deadline,
    stepStartedAt: record.stepStartedAt,
    lastError: record.lastError,
  };
}

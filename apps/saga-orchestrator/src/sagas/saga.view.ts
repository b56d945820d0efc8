import type { SagaRecord, SagaStatus, SagaStepRecord } from '@app/saga';

export interface SagaStepView {
  step: string;
  direction: 'forward' | 'backward';
  event: string;
  messageType: string | null;
  messageId: string | null;
  detail: string | null;
  status: SagaStatus;
  at: string;
}

export interface SagaSummaryView {
  id: string;
  type: string;
  status: SagaStatus;
  definitionVersion: number;
  customerId: string | null;
  /** What the saga acts on, as `<kind>:<id>` (`order:…`); null for sagas started without one. */
  subject: string | null;
  /** The order of a saga whose subject is an order (kept for the clients that read it). */
  orderId: string | null;
  createdAt: string;
  updatedAt: string;
  lastError?: string;
}

export interface SagaView extends SagaSummaryView {
  /** The W3C trace the saga started in (every message it sends continues it), if any. */
  traceId: string | null;
  steps: SagaStepView[];
  /** Set when the timeline is longer than a read shows. */
  stepsTruncated?: true;
}

/** The trace id of a `traceparent` (`00-<trace id>-<span id>-<flags>`). */
export function traceIdOf(traceparent: string | null): string | null {
  return traceparent?.split('-')[1] ?? null;
}

const ORDER_SUBJECT = 'order:';

export function summaryOf(record: SagaRecord): SagaSummaryView {
  return {
    id: record.id,
    type: record.sagaType,
    status: record.status,
    definitionVersion: record.definitionVersion,
    customerId: record.customerId,
    subject: record.subject,
    orderId: record.subject?.startsWith(ORDER_SUBJECT)
      ? record.subject.slice(ORDER_SUBJECT.length)
      : null,
    createdAt: record.createdAt.toISOString(),
    updatedAt: record.updatedAt.toISOString(),
    ...(record.lastError ? { lastError: record.lastError } : {}),
  };
}

export function stepOf(step: SagaStepRecord): SagaStepView {
  return {
    step: step.stepName,
    direction: step.direction,
    event: step.event,
    messageType: step.messageType,
    messageId: step.messageId,
    detail: step.detail,
    status: step.status,
    at: step.at.toISOString(),
  };
}

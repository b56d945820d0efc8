/** The statuses a saga reports on the public API; COMPLETED, COMPENSATED and FAILED end it. */
export const SAGA_STATUSES = [
  'RUNNING',
  'COMPENSATING',
  'COMPLETED',
  'COMPENSATED',
  'FAILED',
] as const;

export type SagaStatus = (typeof SAGA_STATUSES)[number];

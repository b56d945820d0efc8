import type { SagaStatus } from '@app/contracts';

export { SAGA_STATUSES, type SagaStatus } from '@app/contracts';

/** FAILED is terminal until an operator retries it. */
export const TERMINAL_STATUSES: readonly SagaStatus[] = ['COMPLETED', 'COMPENSATED', 'FAILED'];

export function isTerminal(status: SagaStatus): boolean {
  return TERMINAL_STATUSES.includes(status);
}

import { DomainError } from '@app/messaging';
import type { order } from '@app/contracts';

type Refusal = Exclude<order.OrderCancellationRefused['code'], 'order.not-found'>;

/** Only an approved order, within its cancel window, may be cancelled; the message says why not. */
export class OrderNotCancellableError extends DomainError {
  constructor(code: Refusal, message: string) {
    super(code, message);
  }
}

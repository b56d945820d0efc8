import { DomainError } from '@app/messaging';

/** The order's credit was already released (or fenced), so a late reservation is refused. */
export class ReservationFencedError extends DomainError {
  constructor(orderId: string, status: string) {
    super(
      'credit.reservation-fenced',
      `order ${orderId} already has a ${status} reservation; it cannot be reserved again`,
    );
  }
}

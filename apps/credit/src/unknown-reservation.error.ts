import { DomainError } from '@app/messaging';

/** The release names a reservation other than the one its order holds. */
export class UnknownReservationError extends DomainError {
  constructor(orderId: string, reservationId: string) {
    super('credit.unknown-reservation', `order ${orderId} holds no reservation ${reservationId}`);
  }
}

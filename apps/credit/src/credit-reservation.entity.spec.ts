import { describe, expect, it } from '@jest/globals';
import { CreditReservation, type CreditReservationStatus } from './credit-reservation.entity.js';
import { ReservationFencedError } from './reservation-fenced.error.js';
import { UnknownReservationError } from './unknown-reservation.error.js';

const id = '0b8f5c2e-3d4a-4f6b-9c1d-2e3f4a5b6c7d';
const orderId = '2d0b7e4f-5f6c-4b8d-9e3f-4a5b6c7d8e9f';
const customerId = '1c9a6d3f-4e5b-4a7c-8d2e-3f4a5b6c7d8e';
const otherId = '3e1c8f50-6a7d-4c9e-8f4a-5b6c7d8e9fa0';

function aReservation(status: CreditReservationStatus): CreditReservation {
  const fence = status === 'FENCED';
  return Object.assign(new CreditReservation(), {
    id,
    orderId,
    customerId: fence ? null : customerId,
    amount: fence ? 0 : 250,
    currency: fence ? null : 'EUR',
    status,
  });
}

describe(CreditReservation.name, () => {
  describe('a repeated ReserveCredit', () => {
    it('gets the same reservation while it holds credit', () => {
      expect(aReservation('RESERVED').answerRepeatedReserve()).toEqual({
        reservationId: id,
        orderId,
        customerId,
        amount: { amount: 250, currency: 'EUR' },
      });
    });

    it.each(['FENCED', 'RELEASED'] as const)('is refused once the reservation is %s', (status) => {
      const reservation = aReservation(status);
      expect(() => reservation.answerRepeatedReserve()).toThrow(ReservationFencedError);
      expect(() => reservation.answerRepeatedReserve()).toThrow(`a ${status} reservation`);
    });
  });

  describe('a release', () => {
    it('is refused when it names another reservation of the order', () => {
      expect(() => aReservation('RESERVED').assertReleasedAs(otherId)).toThrow(
        UnknownReservationError,
      );
    });

    it('is accepted with the right id, without an id, or against a fence', () => {
      expect(() => aReservation('RESERVED').assertReleasedAs(id)).not.toThrow();
      expect(() => aReservation('RELEASED').assertReleasedAs(undefined)).not.toThrow();
      expect(() => aReservation('FENCED').assertReleasedAs(otherId)).not.toThrow();
    });

    it('answers released for a released reservation and fenced for a fence', () => {
      expect(aReservation('RELEASED').releaseReply()).toEqual({
        orderId,
        reservationId: id,
        outcome: 'released',
      });
      expect(aReservation('FENCED').releaseReply()).toEqual({ orderId, outcome: 'fenced' });
    });
  });
});

import type { credit } from '@app/contracts';
import { bigintAsNumber } from '@app/persistence';
import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { ReservationFencedError } from './reservation-fenced.error.js';
import { UnknownReservationError } from './unknown-reservation.error.js';

/** RESERVED holds credit; RELEASED gave it back; FENCED: the release came first, nothing held. */
export type CreditReservationStatus = 'RESERVED' | 'RELEASED' | 'FENCED';

/** The credit held for one order: at most one row per order. */
@Entity({ name: 'credit_reservations' })
export class CreditReservation {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('uuid', { name: 'order_id', unique: true })
  orderId!: string;

  /** Null only on a fence, which never knew the customer. */
  @Column('uuid', { name: 'customer_id', nullable: true })
  customerId!: string | null;

  @Column('bigint', { transformer: bigintAsNumber })
  amount!: number;

  @Column('char', { length: 3, nullable: true })
  currency!: string | null;

  @Column('varchar', { length: 16 })
  status!: CreditReservationStatus;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;

  /**
   * The answer to another ReserveCredit for this order: the same reservation while it holds
   * credit; a refusal once it was released or fenced, so a late command never reserves again.
   */
  answerRepeatedReserve(): credit.CreditReserved {
    if (this.status !== 'RESERVED' || !this.customerId || !this.currency) {
      throw new ReservationFencedError(this.orderId, this.status);
    }
    return {
      reservationId: this.id,
      orderId: this.orderId,
      customerId: this.customerId,
      amount: { amount: this.amount, currency: this.currency },
    };
  }

  /** Refuses a release that names another reservation than the one this order holds. */
  assertReleasedAs(reservationId: string | undefined): void {
    if (this.status !== 'FENCED' && reservationId && reservationId !== this.id) {
      throw new UnknownReservationError(this.orderId, reservationId);
    }
  }

  /** The reply to a release once this row is RELEASED or FENCED. */
  releaseReply(): credit.CreditReleased {
    return this.status === 'FENCED'
      ? { orderId: this.orderId, outcome: 'fenced' }
      : { orderId: this.orderId, reservationId: this.id, outcome: 'released' };
  }
}

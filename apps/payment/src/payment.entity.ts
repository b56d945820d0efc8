import { bigintAsNumber } from '@app/persistence';
import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/**
 * PENDING only inside the transaction that charges (it holds the order's row lock);
 * DECLINED: refused by the provider for good, with its failure;
 * FENCED: cancelled before any charge, so a late charge is refused.
 */
export type PaymentStatus = 'PENDING' | 'CHARGED' | 'DECLINED' | 'VOIDED' | 'FENCED';

/** The contract's failure codes a decline is recorded with. */
export type DeclineCode = 'payment.card-declined' | 'payment.insufficient-funds';

/** At most one payment per order: the unique order id is what makes a charge happen once. */
@Entity({ name: 'payments' })
export class Payment {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('uuid', { name: 'order_id', unique: true })
  orderId!: string;

  /** Minor units; null on a FENCED row, whose cancellation named no amount. */
  @Column('bigint', { nullable: true, transformer: bigintAsNumber })
  amount!: number | null;

  @Column('char', { length: 3, nullable: true })
  currency!: string | null;

  @Column('varchar', { length: 16 })
  status!: PaymentStatus;

  @Column('text', { name: 'provider_reference', nullable: true })
  providerReference!: string | null;

  /** Set on a DECLINED row only. */
  @Column('varchar', { name: 'failure_code', length: 64, nullable: true })
  failureCode!: DeclineCode | null;

  @Column('text', { name: 'failure_reason', nullable: true })
  failureReason!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}

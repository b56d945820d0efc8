import type { DeferredReply } from '@app/messaging';
import { bigintAsNumber } from '@app/persistence';
import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/**
 * PENDING: the charge is asked of the provider, its outcome not yet recorded;
 * CHARGED: the provider charged it;
 * DECLINED: refused by the provider for good, with its failure;
 * VOIDING: cancelled after the charge: the provider is asked to void it (until it does);
 * VOIDED: the charge was voided;
 * FENCED: cancelled before any charge, so a late charge is refused;
 * REFUNDING: the order was cancelled after it was charged: the provider is asked to refund it
 * (a refund it refuses returns the payment to CHARGED with `refundFailure`);
 * REFUNDED: the charge was refunded.
 * PENDING, VOIDING and REFUNDING are settled by `PaymentSettlement`, outside any message's
 * transaction.
 */
export type PaymentStatus =
  'PENDING' | 'CHARGED' | 'DECLINED' | 'VOIDING' | 'VOIDED' | 'FENCED' | 'REFUNDING' | 'REFUNDED';

/** The contract's failure codes a refusal is recorded with. */
export type DeclineCode =
  'payment.card-declined' | 'payment.insufficient-funds' | 'payment.provider-error';

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

  /** The card token, kept only while the charge is PENDING (to ask the provider again). */
  @Column('text', { name: 'payment_token', nullable: true })
  paymentToken!: string | null;

  /** The ChargePayment commands waiting for the outcome of a PENDING charge. */
  @Column('jsonb', { name: 'charge_replies', default: () => `'[]'` })
  chargeReplies!: DeferredReply[];

  /**
   * When a cancel came while the charge was PENDING: whatever the provider charges is voided,
   * never kept. The cancel itself was answered then.
   */
  @Column('timestamptz', { name: 'cancelled_at', nullable: true })
  cancelledAt!: Date | null;

  /**
   * CancelPayment commands still waiting for a charge's outcome or a void: only those recorded
   * before cancels were answered at once (an upgrade answers them as it settles).
   */
  @Column('jsonb', { name: 'cancel_replies', default: () => `'[]'` })
  cancelReplies!: DeferredReply[];

  /** The RefundPayment commands waiting while the refund is REFUNDING. */
  @Column('jsonb', { name: 'refund_replies', default: () => `'[]'` })
  refundReplies!: DeferredReply[];

  /** Why the provider refused to refund the charge, for good: later refunds are refused alike. */
  @Column('text', { name: 'refund_failure', nullable: true })
  refundFailure!: string | null;

  /** Provider calls that failed for now; the next one waits longer. */
  @Column('int', { name: 'settle_attempts', default: 0 })
  settleAttempts!: number;

  /** When a PENDING or VOIDING payment is next settled: a lease while one instance works on it. */
  @Column('timestamptz', { name: 'settle_at', nullable: true })
  settleAt!: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}

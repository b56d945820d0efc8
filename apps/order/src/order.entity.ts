import { bigintAsNumber } from '@app/persistence';
import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/**
 * PENDING and CANCELLING are semantic locks: a saga is deciding the order, nothing else acts on
 * it. A cancellation ends CANCELLED, or back in APPROVED with `cancellationFailure`.
 */
export type OrderStatus = 'PENDING' | 'APPROVED' | 'REJECTED' | 'CANCELLING' | 'CANCELLED';

/**
 * An order. Customer and total are null only for an order rejected before it was created: the
 * fence that makes a late create refuse instead of opening a pending order.
 */
@Entity({ name: 'orders' })
export class Order {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('uuid', { name: 'customer_id', nullable: true })
  customerId!: string | null;

  @Column('bigint', { name: 'total_amount', nullable: true, transformer: bigintAsNumber })
  totalAmount!: number | null;

  @Column('char', { name: 'total_currency', length: 3, nullable: true })
  totalCurrency!: string | null;

  @Column('varchar', { length: 16 })
  status!: OrderStatus;

  @Column('text', { name: 'rejection_reason', nullable: true })
  rejectionReason!: string | null;

  /** Set on approval: until then its customer may cancel it (null: approved before windows). */
  @Column('timestamptz', { name: 'cancellable_until', nullable: true })
  cancellableUntil!: Date | null;

  /** The cancellation that locked the order last, or that was aborted before it could. */
  @Column('uuid', { name: 'cancellation_id', nullable: true })
  cancellationId!: string | null;

  /** Why the last cancellation failed (the order stayed APPROVED). */
  @Column('text', { name: 'cancellation_failure', nullable: true })
  cancellationFailure!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}

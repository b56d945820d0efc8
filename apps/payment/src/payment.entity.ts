import { bigintAsNumber } from '@app/persistence';
import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

export type PaymentStatus = 'CHARGED' | 'DECLINED' | 'CANCELLED';

/** At most one payment per order: the unique order id is what makes a charge happen once. */
@Entity({ name: 'payments' })
export class Payment {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('uuid', { name: 'order_id', unique: true })
  orderId!: string;

  @Column('bigint', { transformer: bigintAsNumber })
  amount!: number;

  @Column('char', { length: 3 })
  currency!: string;

  @Column('varchar', { length: 16 })
  status!: PaymentStatus;

  @Column('text', { name: 'provider_reference', nullable: true })
  providerReference!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}

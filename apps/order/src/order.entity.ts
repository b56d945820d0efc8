import { bigintAsNumber } from '@app/persistence';
import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

export type OrderStatus = 'PENDING' | 'APPROVED' | 'REJECTED';

@Entity({ name: 'orders' })
export class Order {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('uuid', { name: 'customer_id' })
  customerId!: string;

  @Column('bigint', { name: 'total_amount', transformer: bigintAsNumber })
  totalAmount!: number;

  @Column('char', { name: 'total_currency', length: 3 })
  totalCurrency!: string;

  @Column('varchar', { length: 16 })
  status!: OrderStatus;

  @Column('text', { name: 'rejection_reason', nullable: true })
  rejectionReason!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}

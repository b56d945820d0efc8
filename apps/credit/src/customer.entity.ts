import type { Money } from '@app/contracts';
import { bigintAsNumber } from '@app/persistence';
import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { CurrencyMismatchError } from './currency-mismatch.error.js';
import { InsufficientCreditError } from './insufficient-credit.error.js';

/** A customer's credit account: a limit, and how much of it is still available. */
@Entity({ name: 'customers' })
export class Customer {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('text')
  name!: string;

  @Column('bigint', { name: 'credit_limit', transformer: bigintAsNumber })
  creditLimit!: number;

  @Column('bigint', { name: 'available_credit', transformer: bigintAsNumber })
  availableCredit!: number;

  @Column('char', { length: 3 })
  currency!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;

  /** Why `total` cannot be reserved from this account as it stands. */
  refusalOf(total: Money): CurrencyMismatchError | InsufficientCreditError {
    if (total.currency !== this.currency) {
      return new CurrencyMismatchError(this.id, this.currency, total.currency);
    }
    return new InsufficientCreditError(this.id, total.amount, this.availableCredit);
  }

  money(amount: number): Money {
    return { amount, currency: this.currency };
  }
}

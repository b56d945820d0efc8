import { Injectable, Logger } from '@nestjs/common';
import {
  DataSource,
  type EntityManager,
  type EntitySubscriberInterface,
  type QueryRunner,
  type TransactionCommitEvent,
  type TransactionRollbackEvent,
} from 'typeorm';

/**
 * Runs work once the transaction it was registered in commits, and drops it if that rolls back,
 * so nothing acts on a change that never happened. TypeORM tells each subscriber of the data
 * source when a transaction ends, which is the hook used here; a nested savepoint's end is not
 * the transaction's.
 */
@Injectable()
export class AfterCommit implements EntitySubscriberInterface {
  private readonly logger = new Logger(AfterCommit.name);
  private readonly pending = new WeakMap<QueryRunner, (() => void)[]>();

  constructor(dataSource: DataSource) {
    dataSource.subscribers.push(this);
  }

  /** Runs `work` once `manager`'s transaction commits; outside a transaction, now. */
  run(manager: EntityManager, work: () => void): void {
    const transaction = manager.queryRunner;
    if (!transaction?.isTransactionActive) return this.runNow(work);
    const pending = this.pending.get(transaction);
    if (pending) pending.push(work);
    else this.pending.set(transaction, [work]);
  }

  afterTransactionCommit({ queryRunner }: TransactionCommitEvent): void {
    if (queryRunner.isTransactionActive) return;
    const pending = this.pending.get(queryRunner);
    this.pending.delete(queryRunner);
    for (const work of pending ?? []) this.runNow(work);
  }

  afterTransactionRollback({ queryRunner }: TransactionRollbackEvent): void {
    if (!queryRunner.isTransactionActive) this.pending.delete(queryRunner);
  }

  /** The commit already happened: a failing listener must not turn it into an error. */
  private runNow(work: () => void): void {
    try {
      work();
    } catch (error) {
      this.logger.error(`Work after a commit failed: ${String(error)}`);
    }
  }
}

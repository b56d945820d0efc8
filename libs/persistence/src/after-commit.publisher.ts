import { Injectable, Logger } from '@nestjs/common';
import { EventBus, type IEvent } from '@nestjs/cqrs';
import {
  DataSource,
  type EntityManager,
  type EntitySubscriberInterface,
  type QueryRunner,
  type TransactionCommitEvent,
  type TransactionRollbackEvent,
} from 'typeorm';

/**
 * Publishes domain events on the EventBus once the transaction that made them commits, and drops
 * them if it rolls back, so no listener (logs, metrics) acts on a change that never happened. A
 * message's transaction is opened by @app/messaging; TypeORM tells each subscriber of the data
 * source when a transaction ends, which is the hook used here.
 *
 * Stage a use case's events after its last write: a DomainError thrown later is rolled back to
 * the dispatcher's savepoint inside a transaction that still commits, which this cannot see.
 */
@Injectable()
export class AfterCommitPublisher implements EntitySubscriberInterface {
  private readonly logger = new Logger(AfterCommitPublisher.name);
  private readonly staged = new WeakMap<QueryRunner, IEvent[]>();

  constructor(
    dataSource: DataSource,
    private readonly eventBus: EventBus,
  ) {
    dataSource.subscribers.push(this);
  }

  /** Publishes once `manager`'s transaction commits; outside a transaction, now. */
  publishAfterCommit(manager: EntityManager, ...events: IEvent[]): void {
    const transaction = manager.queryRunner;
    if (!transaction?.isTransactionActive) return this.publishNow(events);
    this.staged.set(transaction, [...(this.staged.get(transaction) ?? []), ...events]);
  }

  afterTransactionCommit({ queryRunner }: TransactionCommitEvent): void {
    // Still active: only a nested savepoint was released.
    if (queryRunner.isTransactionActive) return;
    const events = this.staged.get(queryRunner);
    this.staged.delete(queryRunner);
    if (events) this.publishNow(events);
  }

  afterTransactionRollback({ queryRunner }: TransactionRollbackEvent): void {
    if (!queryRunner.isTransactionActive) this.staged.delete(queryRunner);
  }

  /** The commit already happened: a failing listener must not turn it into an error. */
  private publishNow(events: IEvent[]): void {
    try {
      this.eventBus.publishAll(events);
    } catch (error) {
      this.logger.error(`Publishing ${events.length} event(s) failed: ${String(error)}`);
    }
  }
}

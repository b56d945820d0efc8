import { Injectable } from '@nestjs/common';
import { EventBus, type IEvent } from '@nestjs/cqrs';
import { DataSource, type EntityManager } from 'typeorm';
import { AfterCommit } from './after-commit.js';

/**
 * Publishes domain events on the EventBus once the transaction that made them commits, and drops
 * them if it rolls back, so no listener (logs, metrics) acts on a change that never happened. A
 * message's transaction is opened by @app/messaging.
 *
 * Stage a use case's events after its last write: a DomainError thrown later is rolled back to
 * the dispatcher's savepoint inside a transaction that still commits, which this cannot see.
 */
@Injectable()
export class AfterCommitPublisher {
  private readonly afterCommit: AfterCommit;

  constructor(
    dataSource: DataSource,
    private readonly eventBus: EventBus,
  ) {
    this.afterCommit = new AfterCommit(dataSource);
  }

  /** Publishes once `manager`'s transaction commits; outside a transaction, now. */
  publishAfterCommit(manager: EntityManager, ...events: IEvent[]): void {
    this.afterCommit.run(manager, () => {
      this.eventBus.publishAll(events);
    });
  }
}

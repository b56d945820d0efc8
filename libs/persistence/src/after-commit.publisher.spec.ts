import 'reflect-metadata';
import { beforeEach, describe, expect, it } from '@jest/globals';
import { Logger } from '@nestjs/common';
import type { EventBus, IEvent } from '@nestjs/cqrs';
import type { DataSource, EntityManager, QueryRunner } from 'typeorm';
import { AfterCommit } from './after-commit.js';
import { AfterCommitPublisher } from './after-commit.publisher.js';

/** How TypeORM's PostgreSQL query runner moves `isTransactionActive` and tells subscribers. */
class FakeTransaction {
  isTransactionActive = true;
  private depth = 1;
  readonly manager = { queryRunner: this } as unknown as EntityManager;

  constructor(private readonly dataSource: { subscribers: AfterCommit[] }) {}

  get queryRunner(): QueryRunner {
    return this as unknown as QueryRunner;
  }

  savepoint(): void {
    this.depth += 1;
  }

  commit(): void {
    this.end();
    for (const subscriber of this.dataSource.subscribers)
      subscriber.afterTransactionCommit({ queryRunner: this.queryRunner } as never);
  }

  rollback(): void {
    this.end();
    for (const subscriber of this.dataSource.subscribers)
      subscriber.afterTransactionRollback({ queryRunner: this.queryRunner } as never);
  }

  private end(): void {
    this.depth -= 1;
    if (this.depth === 0) this.isTransactionActive = false;
  }
}

class Happened {
  constructor(readonly what: string) {}
}

describe(AfterCommitPublisher.name, () => {
  let published: IEvent[];
  let eventBus: Pick<EventBus, 'publishAll'>;
  let dataSource: { subscribers: AfterCommit[] };
  let publisher: AfterCommitPublisher;

  beforeEach(() => {
    published = [];
    eventBus = { publishAll: (events: IEvent[]) => published.push(...events) };
    dataSource = { subscribers: [] };
    publisher = new AfterCommitPublisher(dataSource as unknown as DataSource, eventBus as EventBus);
  });

  it('listens to the transactions of the data source', () => {
    expect(dataSource.subscribers).toHaveLength(1);
    expect(dataSource.subscribers[0]).toBeInstanceOf(AfterCommit);
  });

  it('holds the events of a transaction until it commits, then publishes them in order', () => {
    const transaction = new FakeTransaction(dataSource);
    publisher.publishAfterCommit(transaction.manager, new Happened('a'));
    publisher.publishAfterCommit(transaction.manager, new Happened('b'), new Happened('c'));
    expect(published).toEqual([]);

    transaction.commit();
    expect(published).toEqual([new Happened('a'), new Happened('b'), new Happened('c')]);
  });

  it('drops the events of a transaction that rolls back', () => {
    const transaction = new FakeTransaction(dataSource);
    publisher.publishAfterCommit(transaction.manager, new Happened('undone'));

    transaction.rollback();
    expect(published).toEqual([]);
  });

  it('waits for the outer commit when only a nested savepoint is released', () => {
    const transaction = new FakeTransaction(dataSource);
    transaction.savepoint();
    publisher.publishAfterCommit(transaction.manager, new Happened('inner'));

    transaction.commit();
    expect(published).toEqual([]);
    transaction.commit();
    expect(published).toEqual([new Happened('inner')]);
  });

  it('keeps concurrent transactions apart', () => {
    const kept = new FakeTransaction(dataSource);
    const undone = new FakeTransaction(dataSource);
    publisher.publishAfterCommit(kept.manager, new Happened('kept'));
    publisher.publishAfterCommit(undone.manager, new Happened('undone'));

    undone.rollback();
    kept.commit();
    expect(published).toEqual([new Happened('kept')]);
  });

  it('publishes at once when the writes are not in a transaction', () => {
    publisher.publishAfterCommit({} as EntityManager, new Happened('committed'));
    expect(published).toEqual([new Happened('committed')]);
  });

  it('never turns a commit into an error when publishing fails, but logs it', () => {
    const errors: unknown[] = [];
    Logger.overrideLogger({ log() {}, warn() {}, error: (message) => errors.push(message) });
    eventBus.publishAll = () => {
      throw new Error('listener broke');
    };
    const transaction = new FakeTransaction(dataSource);
    publisher.publishAfterCommit(transaction.manager, new Happened('a'));

    expect(() => transaction.commit()).not.toThrow();
    expect(errors).toEqual(['Work after a commit failed: Error: listener broke']);
  });
});

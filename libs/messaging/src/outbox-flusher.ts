import { Injectable, Logger } from '@nestjs/common';
import { queryPrepared } from '@app/persistence';
import {
  DataSource,
  type EntityManager,
  type EntitySubscriberInterface,
  type QueryRunner,
  type TransactionCommitEvent,
  type TransactionRollbackEvent,
} from 'typeorm';
import { FaultInjector } from './fault-injector.js';
import { MessagingChaos, type ChaosInjection } from './messaging-chaos.js';
import { OutboxPublisher, type OutboxMessage } from './outbox-publisher.js';

interface Staged {
  messages: OutboxMessage[];
  /** A nested transaction rolled back: which rows it took with it is not known here. */
  tainted: boolean;
}

/**
 * Sent rows wait this long to be deleted together, one DELETE for many messages (under load, one
 * a window instead of one a commit). Well inside the relay's grace period, so the relay does not
 * take a published row for a lost one.
 */
const DELETE_DELAY_MS = 100;

/**
 * Publishes the outbox rows a transaction wrote as soon as it commits, from the same process,
 * then deletes them in batches: a message costs no second transaction and no NOTIFY wake-up
 * (issue #11). The outbox keeps the guarantee: a row whose publish or delete did not happen (a
 * crash, the broker away) is published by the relay, which takes only rows older than its grace
 * period, so the two rarely meet; when they do, the message goes out twice with one id, which
 * every inbox absorbs.
 *
 * Rows are staged per transaction (TypeORM tells each subscriber of the data source when one
 * ends); a rollback drops them. After a nested TypeORM transaction (a savepoint) rolled back, which
 * rows went with it is not known here: the transaction's rows are left to the relay.
 */
@Injectable()
export class OutboxFlusher implements EntitySubscriberInterface {
  private readonly logger = new Logger(OutboxFlusher.name);
  private readonly staged = new WeakMap<QueryRunner, Staged>();
  private readonly inFlight = new Set<Promise<void>>();
  private sent: string[] = [];
  private deleting?: Promise<void>;

  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: OutboxPublisher,
    private readonly faults: FaultInjector,
    private readonly chaos: MessagingChaos,
  ) {
    dataSource.subscribers.push(this);
  }

  /** Publishes `message` once `manager`'s transaction commits; outside a transaction, now. */
  stage(manager: EntityManager, message: OutboxMessage): void {
    const transaction = manager.queryRunner;
    if (!transaction?.isTransactionActive) return this.flush([message]);
    const staged = this.staged.get(transaction);
    if (staged) staged.messages.push(message);
    else this.staged.set(transaction, { messages: [message], tainted: false });
  }

  afterTransactionCommit({ queryRunner }: TransactionCommitEvent): void {
    // Still active: only a nested savepoint was released.
    if (queryRunner.isTransactionActive) return;
    const staged = this.staged.get(queryRunner);
    this.staged.delete(queryRunner);
    if (!staged || staged.messages.length === 0 || staged.tainted) return;
    this.faults.afterHandlerCommit(staged.messages[0].envelope.messageId);
    this.flush(staged.messages);
  }

  afterTransactionRollback({ queryRunner }: TransactionRollbackEvent): void {
    const staged = this.staged.get(queryRunner);
    if (!queryRunner.isTransactionActive) this.staged.delete(queryRunner);
    else if (staged) staged.tainted = true;
  }

  /**
   * Resolves once every publish and delete under way is done (before the relay's last flush).
   * Messages held back by MESSAGING_CHAOS stop waiting and stay unsent for that flush.
   */
  async drain(): Promise<void> {
    this.chaos.stop();
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
    await this.deleting;
  }

  private flush(messages: OutboxMessage[]): void {
    if (!this.chaos.enabled) return this.track(this.publish(messages));
    // MESSAGING_CHAOS (tests only): some messages wait while later ones overtake them, some go
    // out twice; a held one's row stays unsent meanwhile (the relay's grace keeps it off it).
    const now: OutboxMessage[] = [];
    for (const message of messages) {
      const injection = this.chaos.draw(message.envelope, true);
      if (injection.holdMs === undefined) now.push(message);
      else this.track(this.publishHeld(message, injection));
      this.duplicateLater(message, injection);
    }
    if (now.length > 0) this.track(this.publish(now));
  }

  private track(flushing: Promise<void>): void {
    const tracked = flushing.finally(() => this.inFlight.delete(tracked));
    this.inFlight.add(tracked);
  }

  private async publish(messages: OutboxMessage[]): Promise<void> {
    try {
      await this.outbox.publish(messages);
    } catch (error) {
      this.logger.debug(`Publishing after commit failed, the relay takes over: ${String(error)}`);
      return;
    }
    this.deleteSent(messages.map((message) => message.envelope.messageId));
  }

  private async publishHeld(message: OutboxMessage, { holdMs }: ChaosInjection): Promise<void> {
    if (await this.chaos.hold(holdMs ?? 0)) await this.publish([message]);
  }

  /** The same message again (same id, properties and headers): a copy the inboxes must drop. */
  private duplicateLater(message: OutboxMessage, { duplicateAfterMs }: ChaosInjection): void {
    if (duplicateAfterMs === undefined) return;
    this.chaos.later(duplicateAfterMs, () => this.outbox.publish([message]));
  }

  private deleteSent(messageIds: string[]): void {
    this.sent.push(...messageIds);
    this.deleting ??= this.deleteBatches();
  }

  private async deleteBatches(): Promise<void> {
    while (this.sent.length > 0) {
      await new Promise((resolve) => setTimeout(resolve, DELETE_DELAY_MS));
      const batch = this.sent;
      this.sent = [];
      try {
        // A sent row is deleted, not marked: a mark is a new row version with three index
        // entries, a delete only ends the row's version.
        await queryPrepared(
          this.dataSource.manager,
          `DELETE FROM outbox WHERE message_id = ANY($1::uuid[]) AND sent_at IS NULL`,
          [batch],
        );
      } catch (error) {
        // Left unsent: the relay publishes them again after its grace period.
        this.logger.debug(`Deleting ${batch.length} sent message(s) failed: ${String(error)}`);
      }
    }
    this.deleting = undefined;
  }
}

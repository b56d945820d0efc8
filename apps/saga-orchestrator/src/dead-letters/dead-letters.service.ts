import { Injectable, Logger } from '@nestjs/common';
import { MessageBus } from '@app/messaging';
import { DataSource, type EntityManager } from 'typeorm';
import { DeadLetterConflictError } from './dead-letter-conflict.error.js';
import { DeadLetterNotFoundError } from './dead-letter-not-found.error.js';
import { DeadLetterStore, type DeadLetterRecord } from './dead-letter-store.js';

/** An operator's actions on a stored dead letter; each happens once. */
@Injectable()
export class DeadLettersService {
  private readonly logger = new Logger(DeadLettersService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly store: DeadLetterStore,
    private readonly bus: MessageBus,
  ) {}

  /**
   * Sends the message again, unchanged, to the queue it failed in, through the outbox in the
   * transaction that marks it replayed: both happen, or neither. Its message id is kept, so a
   * consumer that had handled it after all skips it in its inbox.
   */
  replay(id: string): Promise<DeadLetterRecord> {
    return this.dataSource.transaction(async (manager) => {
      const letter = await this.pending(manager, id);
      if (!letter.envelope || !letter.replayTarget) {
        throw new DeadLetterConflictError(
          id,
          'dead-letter.not-replayable',
          `Dead letter ${id} cannot be replayed: it is not a message this system sent (${letter.reason}); discard it`,
        );
      }
      const { destination, routingKey } = letter.replayTarget;
      await this.bus.replay(letter.envelope, destination, routingKey, manager);
      this.logger.log(
        `Replaying ${letter.messageId} (${letter.type ?? 'no type'}) to ${letter.queue}`,
      );
      return this.store.resolve(manager, id, 'REPLAYED');
    });
  }

  /** Takes it off the list of what waits for an operator; the row stays, for the audit trail. */
  discard(id: string): Promise<DeadLetterRecord> {
    return this.dataSource.transaction(async (manager) => {
      const letter = await this.pending(manager, id);
      this.logger.log(
        `Discarding ${letter.messageId} (${letter.type ?? 'no type'}) of ${letter.queue}`,
      );
      return this.store.resolve(manager, id, 'DISCARDED');
    });
  }

  private async pending(manager: EntityManager, id: string): Promise<DeadLetterRecord> {
    const letter = await this.store.lock(manager, id);
    if (!letter) throw new DeadLetterNotFoundError(id);
    if (letter.status !== 'PENDING') {
      throw new DeadLetterConflictError(
        id,
        'dead-letter.already-resolved',
        `Dead letter ${id} was already ${letter.status.toLowerCase()}`,
      );
    }
    return letter;
  }
}

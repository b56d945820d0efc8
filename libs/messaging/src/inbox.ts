import { Inject, Injectable } from '@nestjs/common';
import { queryPrepared } from '@app/persistence';
import type { EntityManager } from 'typeorm';
import type { Envelope } from './envelope.js';
import { MESSAGING_OPTIONS, type ResolvedMessagingOptions } from './messaging.options.js';

/** A reply as the outbox sends it: to the replies queue `routingKey`. */
export interface KeptReply {
  routingKey: string;
  envelope: Envelope;
}

/**
 * The `(consumer, message_id)` rows of messages this app has handled, each with the reply it was
 * answered with (kept by `MessageBus.reply` in the statement that sends it).
 */
@Injectable()
export class Inbox {
  constructor(@Inject(MESSAGING_OPTIONS) private readonly options: ResolvedMessagingOptions) {}

  /**
   * Records the message in the caller's transaction; false when it was handled before. A
   * concurrent duplicate waits on the first one's row lock and then sees the conflict.
   */
  async record(manager: EntityManager, messageId: string): Promise<boolean> {
    const rows = await queryPrepared(
      manager,
      `INSERT INTO inbox (consumer, message_id) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING message_id`,
      [this.options.consumer, messageId],
    );
    return rows.length === 1;
  }

  /** The reply `messageId` was answered with; none while its answer is deferred (or not wanted). */
  async keptReply(manager: EntityManager, messageId: string): Promise<KeptReply | undefined> {
    const rows: { reply: KeptReply | null }[] = await manager.query(
      `SELECT reply FROM inbox WHERE consumer = $1 AND message_id = $2`,
      [this.options.consumer, messageId],
    );
    return rows[0]?.reply ?? undefined;
  }

  async purge(manager: EntityManager): Promise<void> {
    await manager.query(
      `DELETE FROM inbox WHERE handled_at < now() - $1 * interval '1 millisecond'`,
      [this.options.inboxRetentionMs],
    );
  }
}

import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { MESSAGING_OPTIONS, type ResolvedMessagingOptions } from './messaging.options.js';

/** The `(consumer, message_id)` rows of messages this app has handled. */
@Injectable()
export class Inbox {
  constructor(@Inject(MESSAGING_OPTIONS) private readonly options: ResolvedMessagingOptions) {}

  /**
   * Records the message in the caller's transaction; false when it was handled before. A
   * concurrent duplicate waits on the first one's row lock and then sees the conflict.
   */
  async record(manager: EntityManager, messageId: string): Promise<boolean> {
    const rows: unknown[] = await manager.query(
      `INSERT INTO inbox (consumer, message_id) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING message_id`,
      [this.options.consumer, messageId],
    );
    return rows.length === 1;
  }

  async purge(manager: EntityManager): Promise<void> {
    await manager.query(
      `DELETE FROM inbox WHERE handled_at < now() - $1 * interval '1 millisecond'`,
      [this.options.inboxRetentionMs],
    );
  }
}

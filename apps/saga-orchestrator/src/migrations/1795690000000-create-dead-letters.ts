import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Dead letters taken off every dead-letter queue of the namespace, for an operator to list,
 * replay or discard. A row per dead-lettering: a replayed message that fails again is a new row,
 * while a redelivery of the same dead letter (a crash before its ack) finds its row.
 */
export class CreateDeadLetters1795690000000 implements MigrationInterface {
  name = 'CreateDeadLetters1795690000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE dead_letters (
        id uuid PRIMARY KEY,
        queue text NOT NULL,
        message_id text NOT NULL,
        message_type text,
        saga_id text,
        reason text NOT NULL,
        destination text CHECK (destination IN ('commands', 'replies')),
        routing_key text,
        envelope jsonb,
        message jsonb NOT NULL,
        dead_lettered_at timestamptz NOT NULL,
        stored_at timestamptz NOT NULL DEFAULT now(),
        status varchar(16) NOT NULL DEFAULT 'PENDING'
          CHECK (status IN ('PENDING', 'REPLAYED', 'DISCARDED')),
        resolved_at timestamptz,
        UNIQUE (queue, message_id, dead_lettered_at)
      )`);
    // The list reads by status (and queue), oldest first; the gauge counts pending ones per queue.
    await queryRunner.query(
      `CREATE INDEX dead_letters_listing_idx ON dead_letters (status, queue, dead_lettered_at, id)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE dead_letters`);
  }
}

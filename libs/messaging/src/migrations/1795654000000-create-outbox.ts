import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The transactional outbox: messages written with the state change that caused them. */
export class CreateOutbox1795654000000 implements MigrationInterface {
  name = 'CreateOutbox1795654000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE outbox (
        id bigserial PRIMARY KEY,
        message_id uuid NOT NULL UNIQUE,
        destination text NOT NULL CHECK (destination IN ('commands', 'replies')),
        routing_key text NOT NULL,
        envelope jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        sent_at timestamptz
      )`);
    // The relay reads only unsent rows, oldest first; the purge reads only sent ones.
    await queryRunner.query(`CREATE INDEX outbox_unsent ON outbox (id) WHERE sent_at IS NULL`);
    await queryRunner.query(
      `CREATE INDEX outbox_sent_at ON outbox (sent_at) WHERE sent_at IS NOT NULL`,
    );
    // Wakes the relay on commit; the channel is per schema so apps sharing a database do not
    // wake each other.
    await queryRunner.query(`
      CREATE FUNCTION outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('outbox_' || TG_TABLE_SCHEMA, '');
        RETURN NULL;
      END $$`);
    await queryRunner.query(`
      CREATE TRIGGER outbox_notify AFTER INSERT ON outbox
      FOR EACH STATEMENT EXECUTE FUNCTION outbox_notify()`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE outbox`);
    await queryRunner.query(`DROP FUNCTION outbox_notify()`);
  }
}

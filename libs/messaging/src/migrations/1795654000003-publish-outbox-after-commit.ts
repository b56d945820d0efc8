import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The writer publishes its outbox rows right after its commit (OutboxFlusher); the relay only
 * polls for rows left behind. The NOTIFY per insert would wake it for nothing.
 */
export class PublishOutboxAfterCommit1795654000003 implements MigrationInterface {
  name = 'PublishOutboxAfterCommit1795654000003';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TRIGGER IF EXISTS outbox_notify ON outbox`);
    await queryRunner.query(`DROP FUNCTION IF EXISTS outbox_notify()`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
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
}

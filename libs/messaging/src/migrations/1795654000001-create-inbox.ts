import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The inbox: messages already handled, so a redelivered one is acknowledged and skipped. */
export class CreateInbox1795654000001 implements MigrationInterface {
  name = 'CreateInbox1795654000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE inbox (
        consumer text NOT NULL,
        message_id uuid NOT NULL,
        handled_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (consumer, message_id)
      )`);
    await queryRunner.query(`CREATE INDEX inbox_handled_at ON inbox (handled_at)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE inbox`);
  }
}

import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The reply a handled command was answered with, kept beside its inbox row: a duplicate of the
 * command (a sender's re-send after its deadline) is answered again with the same reply, so a
 * reply lost on the way back is recovered by the re-send.
 */
export class KeepRepliesInInbox1795654000002 implements MigrationInterface {
  name = 'KeepRepliesInInbox1795654000002';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE inbox ADD COLUMN IF NOT EXISTS reply jsonb`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE inbox DROP COLUMN reply`);
  }
}

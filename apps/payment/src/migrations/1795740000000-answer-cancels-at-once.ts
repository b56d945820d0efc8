import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A cancel is answered as soon as payment owes the void, no longer once the provider has voided
 * (a slow provider outlasted the saga's compensation). `cancelled_at` marks a PENDING charge
 * cancelled meanwhile: whatever the provider charged is voided, never kept.
 */
export class AnswerCancelsAtOnce1795740000000 implements MigrationInterface {
  name = 'AnswerCancelsAtOnce1795740000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE payments ADD COLUMN cancelled_at timestamptz`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE payments DROP COLUMN cancelled_at`);
  }
}

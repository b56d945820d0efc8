import type { MigrationInterface, QueryRunner } from 'typeorm';

/** When the current command was first sent: a busy participant's time counts against its budget. */
export class AddStepStartedAt1795680000001 implements MigrationInterface {
  name = 'AddStepStartedAt1795680000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE saga_instances ADD COLUMN IF NOT EXISTS step_started_at timestamptz`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE saga_instances DROP COLUMN IF EXISTS step_started_at`);
  }
}

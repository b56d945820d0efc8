import type { MigrationInterface, QueryRunner } from 'typeorm';

/** When the current command was first sent: a busy participant's time counts against its budget. */
export class AddStepStartedAt1795680000000 implements MigrationInterface {
  name = 'AddStepStartedAt1795680000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE saga_instances ADD COLUMN step_started_at timestamptz`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE saga_instances DROP COLUMN step_started_at`);
  }
}

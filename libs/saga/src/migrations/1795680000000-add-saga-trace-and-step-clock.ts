import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What observability needs of a saga: the trace it started in (W3C traceparent), so commands the
 * deadline scanner sends later continue that trace; and when the awaited command was first sent,
 * so each step's latency is measured when its reply is applied.
 */
export class AddSagaTraceAndStepClock1795680000000 implements MigrationInterface {
  name = 'AddSagaTraceAndStepClock1795680000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE saga_instances
        ADD COLUMN traceparent text,
        ADD COLUMN awaiting_since timestamptz`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE saga_instances DROP COLUMN traceparent, DROP COLUMN awaiting_since`);
  }
}

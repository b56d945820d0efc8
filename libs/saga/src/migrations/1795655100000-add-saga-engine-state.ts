import type { MigrationInterface, QueryRunner } from 'typeorm';

/** What the saga engine needs beyond the first sketch: the awaited command, attempts, the timeline. */
export class AddSagaEngineState1795655100000 implements MigrationInterface {
  name = 'AddSagaEngineState1795655100000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE saga_instances
        ADD COLUMN direction varchar(8) NOT NULL DEFAULT 'forward'
          CHECK (direction IN ('forward', 'backward')),
        ADD COLUMN attempt int NOT NULL DEFAULT 0,
        ADD COLUMN awaiting_message_id uuid,
        ADD COLUMN idempotency_key text UNIQUE,
        ADD COLUMN request_fingerprint text,
        ADD COLUMN customer_id uuid`);
    await queryRunner.query(
      `CREATE INDEX saga_instances_customer_idx ON saga_instances (customer_id, created_at)`,
    );
    // The timeline: one row per command sent, reply received, timeout and operator action.
    await queryRunner.query(`
      CREATE TABLE saga_steps (
        id bigserial PRIMARY KEY,
        saga_id uuid NOT NULL REFERENCES saga_instances (id) ON DELETE CASCADE,
        step int NOT NULL,
        step_name text NOT NULL,
        direction varchar(8) NOT NULL,
        event varchar(16) NOT NULL,
        message_type text,
        message_id uuid,
        detail text,
        status varchar(16) NOT NULL,
        at timestamptz NOT NULL
      )`);
    await queryRunner.query(`CREATE INDEX saga_steps_saga_idx ON saga_steps (saga_id, id)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE saga_steps`);
    await queryRunner.query(`DROP INDEX saga_instances_customer_idx`);
    await queryRunner.query(`
      ALTER TABLE saga_instances
        DROP COLUMN direction, DROP COLUMN attempt, DROP COLUMN awaiting_message_id,
        DROP COLUMN idempotency_key, DROP COLUMN request_fingerprint, DROP COLUMN customer_id`);
  }
}

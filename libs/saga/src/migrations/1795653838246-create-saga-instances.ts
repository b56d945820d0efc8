import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateSagaInstances1795653838246 implements MigrationInterface {
  name = 'CreateSagaInstances1795653838246';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE saga_instances (
        id uuid PRIMARY KEY,
        saga_type text NOT NULL,
        definition_version int NOT NULL,
        status varchar(16) NOT NULL
          CHECK (status IN ('RUNNING', 'COMPENSATING', 'COMPLETED', 'COMPENSATED', 'FAILED')),
        current_step int NOT NULL,
        data jsonb NOT NULL,
        deadline timestamptz,
        last_error text,
        version int NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    // The deadline scanner reads only live sagas whose deadline has passed.
    await queryRunner.query(`
      CREATE INDEX saga_instances_deadline_idx ON saga_instances (deadline)
        WHERE status IN ('RUNNING', 'COMPENSATING')`);
    await queryRunner.query(
      `CREATE INDEX saga_instances_status_idx ON saga_instances (status, created_at)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE saga_instances`);
  }
}

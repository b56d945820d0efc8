import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Each instance keeps the fingerprint of the definition shape it started on, so a deploy that
 * edits a version's steps without bumping it is caught at start-up. `subject` names what the
 * saga acts on (`order:<id>`): at most one live saga of a type per subject, so two cancels of one
 * order never run at once. Both columns are written once, at start: no cost on later steps.
 */
export class VersionSagaDefinitions1795720000000 implements MigrationInterface {
  name = 'VersionSagaDefinitions1795720000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE saga_instances
        ADD COLUMN definition_fingerprint text,
        ADD COLUMN subject text`);
    // Place-order sagas already there act on their order (the saga views read it from here).
    await queryRunner.query(`
      UPDATE saga_instances SET subject = 'order:' || (data->>'orderId')
      WHERE saga_type = 'place-order' AND data ? 'orderId'`);
    // The only index added: each write of a live saga maintains it, so nothing else is indexed
    // (the start-up check of versions reads live sagas through saga_instances_status_idx).
    await queryRunner.query(`
      CREATE UNIQUE INDEX saga_instances_live_subject_idx ON saga_instances (saga_type, subject)
        WHERE subject IS NOT NULL AND status IN ('RUNNING', 'COMPENSATING', 'FAILED')`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX saga_instances_live_subject_idx`);
    await queryRunner.query(`
      ALTER TABLE saga_instances DROP COLUMN subject, DROP COLUMN definition_fingerprint`);
  }
}

import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * DECLINED: the provider refused the charge for good. The row stays with the failure code and
 * reason, so the refusal can be looked up and a repeated charge is answered alike.
 */
export class RecordDeclinedPayments1795670000000 implements MigrationInterface {
  name = 'RecordDeclinedPayments1795670000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE payments
        DROP CONSTRAINT payments_status_check,
        ADD COLUMN failure_code varchar(64),
        ADD COLUMN failure_reason text,
        ADD CONSTRAINT payments_status_check
          CHECK (status IN ('PENDING', 'CHARGED', 'DECLINED', 'VOIDED', 'FENCED')),
        ADD CONSTRAINT payments_failure_check
          CHECK ((status = 'DECLINED') = (failure_code IS NOT NULL AND failure_reason IS NOT NULL))`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DELETE FROM payments WHERE status = 'DECLINED'`);
    await queryRunner.query(`
      ALTER TABLE payments
        DROP CONSTRAINT payments_failure_check,
        DROP CONSTRAINT payments_status_check,
        DROP COLUMN failure_reason,
        DROP COLUMN failure_code,
        ADD CONSTRAINT payments_status_check
          CHECK (status IN ('PENDING', 'CHARGED', 'VOIDED', 'FENCED'))`);
  }
}

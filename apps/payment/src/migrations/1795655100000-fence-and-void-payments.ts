import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * PENDING: a charge in flight, held under its row lock (never seen committed).
 * VOIDED: charged, then undone. FENCED: cancelled before any charge, so none will happen; it has
 * no amount because the cancellation does not carry one.
 */
export class FenceAndVoidPayments1795655100000 implements MigrationInterface {
  name = 'FenceAndVoidPayments1795655100000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE payments DROP CONSTRAINT payments_status_check`);
    await queryRunner.query(`UPDATE payments SET status = 'VOIDED' WHERE status = 'CANCELLED'`);
    await queryRunner.query(`DELETE FROM payments WHERE status = 'DECLINED'`);
    await queryRunner.query(`
      ALTER TABLE payments
        ALTER COLUMN amount DROP NOT NULL,
        ALTER COLUMN currency DROP NOT NULL,
        ADD CONSTRAINT payments_status_check
          CHECK (status IN ('PENDING', 'CHARGED', 'VOIDED', 'FENCED')),
        ADD CONSTRAINT payments_amount_known_check
          CHECK (status = 'FENCED' OR (amount IS NOT NULL AND currency IS NOT NULL)),
        ADD CONSTRAINT payments_reference_check
          CHECK (status NOT IN ('CHARGED', 'VOIDED') OR provider_reference IS NOT NULL)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DELETE FROM payments WHERE status IN ('PENDING', 'FENCED')`);
    await queryRunner.query(`UPDATE payments SET status = 'CANCELLED' WHERE status = 'VOIDED'`);
    await queryRunner.query(`
      ALTER TABLE payments
        DROP CONSTRAINT payments_reference_check,
        DROP CONSTRAINT payments_amount_known_check,
        DROP CONSTRAINT payments_status_check,
        ALTER COLUMN amount SET NOT NULL,
        ALTER COLUMN currency SET NOT NULL,
        ADD CONSTRAINT payments_status_check
          CHECK (status IN ('CHARGED', 'DECLINED', 'CANCELLED'))`);
  }
}

import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The provider is called outside any transaction: a charge is recorded PENDING (with the token
 * and the commands waiting for its reply) and committed, then settled; a cancel of a charged
 * payment is recorded VOIDING, then settled. `settle_at` says when a row is next settled (a
 * lease while an instance works on it), so a crash leaves nothing stranded.
 */
export class SettlePaymentsOutsideTransactions1795690000000 implements MigrationInterface {
  name = 'SettlePaymentsOutsideTransactions1795690000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE payments
        DROP CONSTRAINT payments_status_check,
        ADD CONSTRAINT payments_status_check
          CHECK (status IN ('PENDING', 'CHARGED', 'DECLINED', 'VOIDING', 'VOIDED', 'FENCED')),
        ADD COLUMN payment_token text,
        ADD COLUMN charge_replies jsonb NOT NULL DEFAULT '[]',
        ADD COLUMN cancel_replies jsonb NOT NULL DEFAULT '[]',
        ADD COLUMN settle_attempts int NOT NULL DEFAULT 0,
        ADD COLUMN settle_at timestamptz,
        ADD CONSTRAINT payments_settle_check
          CHECK ((status IN ('PENDING', 'VOIDING')) = (settle_at IS NOT NULL)),
        ADD CONSTRAINT payments_token_check
          CHECK (payment_token IS NULL OR status = 'PENDING')`);
    await queryRunner.query(
      `CREATE INDEX payments_unsettled ON payments (settle_at) WHERE settle_at IS NOT NULL`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX payments_unsettled`);
    await queryRunner.query(`
      ALTER TABLE payments
        DROP CONSTRAINT payments_token_check,
        DROP CONSTRAINT payments_settle_check,
        DROP COLUMN settle_at,
        DROP COLUMN settle_attempts,
        DROP COLUMN cancel_replies,
        DROP COLUMN charge_replies,
        DROP COLUMN payment_token,
        DROP CONSTRAINT payments_status_check,
        ADD CONSTRAINT payments_status_check
          CHECK (status IN ('PENDING', 'CHARGED', 'DECLINED', 'VOIDED', 'FENCED'))`);
  }
}

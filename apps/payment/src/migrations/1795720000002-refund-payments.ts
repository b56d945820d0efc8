import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Refunds, for cancelled orders: REFUNDING (asked of the provider after the commit, settled like
 * a charge or a void, with the RefundPayment commands waiting for it) and REFUNDED. A refund the
 * provider refused leaves the payment CHARGED with `refund_failure`.
 */
export class RefundPayments1795720000002 implements MigrationInterface {
  name = 'RefundPayments1795720000002';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE payments
        DROP CONSTRAINT payments_status_check,
        ADD CONSTRAINT payments_status_check CHECK (status IN (
          'PENDING', 'CHARGED', 'DECLINED', 'VOIDING', 'VOIDED', 'FENCED', 'REFUNDING', 'REFUNDED')),
        DROP CONSTRAINT payments_settle_check,
        ADD CONSTRAINT payments_settle_check
          CHECK ((status IN ('PENDING', 'VOIDING', 'REFUNDING')) = (settle_at IS NOT NULL)),
        ADD COLUMN refund_replies jsonb NOT NULL DEFAULT '[]',
        ADD COLUMN refund_failure text`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    // The old schema knows no refunds: a refund under way or done reads as the charge it undid.
    await queryRunner.query(
      `UPDATE payments SET status = 'CHARGED', settle_at = NULL
       WHERE status IN ('REFUNDING', 'REFUNDED')`,
    );
    await queryRunner.query(`
      ALTER TABLE payments
        DROP COLUMN refund_failure,
        DROP COLUMN refund_replies,
        DROP CONSTRAINT payments_settle_check,
        ADD CONSTRAINT payments_settle_check
          CHECK ((status IN ('PENDING', 'VOIDING')) = (settle_at IS NOT NULL)),
        DROP CONSTRAINT payments_status_check,
        ADD CONSTRAINT payments_status_check
          CHECK (status IN ('PENDING', 'CHARGED', 'DECLINED', 'VOIDING', 'VOIDED', 'FENCED'))`);
  }
}

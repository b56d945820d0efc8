import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Cancelling approved orders: two statuses (CANCELLING, the lock while a cancellation runs, and
 * CANCELLED), the end of each order's cancel window (set on approval; orders approved before
 * have none and stay as they are), the cancellation that last locked or fenced the order, and
 * why the last cancellation failed.
 */
export class CancelApprovedOrders1795720000001 implements MigrationInterface {
  name = 'CancelApprovedOrders1795720000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE orders
        DROP CONSTRAINT orders_status_check,
        ADD CONSTRAINT orders_status_check CHECK (
          status IN ('PENDING', 'APPROVED', 'REJECTED', 'CANCELLING', 'CANCELLED')),
        ADD COLUMN cancellable_until timestamptz,
        ADD COLUMN cancellation_id uuid,
        ADD COLUMN cancellation_failure text`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    // The old schema knows no cancellation: a cancelled order was approved there.
    await queryRunner.query(
      `UPDATE orders SET status = 'APPROVED' WHERE status IN ('CANCELLING', 'CANCELLED')`,
    );
    await queryRunner.query(`
      ALTER TABLE orders
        DROP COLUMN cancellation_failure,
        DROP COLUMN cancellation_id,
        DROP COLUMN cancellable_until,
        DROP CONSTRAINT orders_status_check,
        ADD CONSTRAINT orders_status_check CHECK (status IN ('PENDING', 'APPROVED', 'REJECTED'))`);
  }
}

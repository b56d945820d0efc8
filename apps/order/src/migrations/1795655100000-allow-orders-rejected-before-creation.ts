import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A RejectOrder may arrive for an order whose create timed out and has not arrived yet: the
 * order is then recorded as REJECTED with customer and total unknown, so the late create is
 * refused. Also indexes the listing's keyset, (created_at, id), newest first.
 */
export class AllowOrdersRejectedBeforeCreation1795655100000 implements MigrationInterface {
  name = 'AllowOrdersRejectedBeforeCreation1795655100000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE orders
        ALTER COLUMN customer_id DROP NOT NULL,
        ALTER COLUMN total_amount DROP NOT NULL,
        ALTER COLUMN total_currency DROP NOT NULL,
        ADD CONSTRAINT orders_details_known_unless_rejected_before_creation CHECK (
          (customer_id IS NOT NULL AND total_amount IS NOT NULL AND total_currency IS NOT NULL)
          OR (status = 'REJECTED' AND customer_id IS NULL AND total_amount IS NULL
              AND total_currency IS NULL)
        )`);
    await queryRunner.query(`DROP INDEX orders_customer_id_idx`);
    await queryRunner.query(
      `CREATE INDEX orders_customer_page_idx ON orders (customer_id, created_at DESC, id DESC)`,
    );
    await queryRunner.query(`CREATE INDEX orders_page_idx ON orders (created_at DESC, id DESC)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX orders_page_idx`);
    await queryRunner.query(`DROP INDEX orders_customer_page_idx`);
    await queryRunner.query(
      `CREATE INDEX orders_customer_id_idx ON orders (customer_id, created_at DESC)`,
    );
    // The old schema cannot hold the fences: going back forgets them.
    await queryRunner.query(`DELETE FROM orders WHERE customer_id IS NULL`);
    await queryRunner.query(`
      ALTER TABLE orders
        DROP CONSTRAINT orders_details_known_unless_rejected_before_creation,
        ALTER COLUMN customer_id SET NOT NULL,
        ALTER COLUMN total_amount SET NOT NULL,
        ALTER COLUMN total_currency SET NOT NULL`);
  }
}

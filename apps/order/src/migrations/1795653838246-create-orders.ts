import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateOrders1795653838246 implements MigrationInterface {
  name = 'CreateOrders1795653838246';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE orders (
        id uuid PRIMARY KEY,
        customer_id uuid NOT NULL,
        total_amount bigint NOT NULL CHECK (total_amount >= 0),
        total_currency char(3) NOT NULL,
        status varchar(16) NOT NULL CHECK (status IN ('PENDING', 'APPROVED', 'REJECTED')),
        rejection_reason text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(
      `CREATE INDEX orders_customer_id_idx ON orders (customer_id, created_at DESC)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE orders`);
  }
}

import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreatePayments1795653838246 implements MigrationInterface {
  name = 'CreatePayments1795653838246';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE payments (
        id uuid PRIMARY KEY,
        order_id uuid NOT NULL UNIQUE,
        amount bigint NOT NULL CHECK (amount >= 0),
        currency char(3) NOT NULL,
        status varchar(16) NOT NULL CHECK (status IN ('CHARGED', 'DECLINED', 'CANCELLED')),
        provider_reference text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE payments`);
  }
}

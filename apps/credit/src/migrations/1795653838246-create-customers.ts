import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateCustomers1795653838246 implements MigrationInterface {
  name = 'CreateCustomers1795653838246';

  async up(queryRunner: QueryRunner): Promise<void> {
    // The CHECK is the last line of defence: available credit never goes below zero.
    await queryRunner.query(`
      CREATE TABLE customers (
        id uuid PRIMARY KEY,
        name text NOT NULL,
        credit_limit bigint NOT NULL CHECK (credit_limit >= 0),
        available_credit bigint NOT NULL CHECK (available_credit >= 0 AND available_credit <= credit_limit),
        currency char(3) NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE customers`);
  }
}

import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateCreditReservations1795655100000 implements MigrationInterface {
  name = 'CreateCreditReservations1795655100000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // One row per order (UNIQUE order_id): it makes a repeated reservation return the same row,
    // and lets a release that came first leave a FENCED row that refuses the late reservation.
    // A fence holds no credit, so it has no customer, no currency and a zero amount.
    await queryRunner.query(`
      CREATE TABLE credit_reservations (
        id uuid PRIMARY KEY,
        order_id uuid NOT NULL UNIQUE,
        customer_id uuid REFERENCES customers (id),
        amount bigint NOT NULL CHECK (amount >= 0),
        currency char(3),
        status varchar(16) NOT NULL CHECK (status IN ('RESERVED', 'RELEASED', 'FENCED')),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CHECK (
          (status = 'FENCED' AND amount = 0)
          OR (status <> 'FENCED' AND customer_id IS NOT NULL AND currency IS NOT NULL)
        )
      )`);
    // Serves the "reserved" sum of a customer's credit view.
    await queryRunner.query(`
      CREATE INDEX credit_reservations_reserved_by_customer
        ON credit_reservations (customer_id) WHERE status = 'RESERVED'`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE credit_reservations`);
  }
}

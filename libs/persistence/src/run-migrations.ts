import { Logger } from '@nestjs/common';
import type { DataSource } from 'typeorm';

const logger = new Logger('Migrations');

/**
 * Runs pending migrations under a PostgreSQL advisory lock, so several instances starting at once
 * migrate one after another instead of racing on the same DDL.
 */
export async function runMigrations(dataSource: DataSource, schema: string): Promise<void> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    // Another instance may migrate for longer than the connections' lock_timeout: wait it out.
    await runner.query('SET lock_timeout = 0');
    await runner.query('SELECT pg_advisory_lock(hashtext($1))', [`sagaflow.migrations.${schema}`]);
    try {
      const applied = await dataSource.runMigrations({ transaction: 'each' });
      for (const migration of applied) logger.log(`Applied ${migration.name}`);
    } finally {
      await runner.query('SELECT pg_advisory_unlock(hashtext($1))', [
        `sagaflow.migrations.${schema}`,
      ]);
    }
  } finally {
    // Back to the connection's own lock_timeout before it returns to the pool.
    await runner.query('RESET lock_timeout').catch(() => undefined);
    await runner.release();
  }
}

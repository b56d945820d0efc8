import { DataSource } from 'typeorm';
import { bootstrapDatabase } from './database-bootstrap.js';
import { dataSourceOptions } from './data-source-options.js';
import type { PersistenceOptions } from './persistence.options.js';
import { runMigrations } from './run-migrations.js';

/**
 * Brings an app's schema up to date: creates database, role and schema when an admin connection
 * is given, then applies pending migrations. Used at start-up and by the `migrate` command.
 */
export async function migrateSchema(options: PersistenceOptions): Promise<void> {
  await bootstrapIfAdmin(options);
  const dataSource = await new DataSource(dataSourceOptions(options)).initialize();
  try {
    await runMigrations(dataSource, options.schema);
  } finally {
    await dataSource.destroy();
  }
}

export async function bootstrapIfAdmin(options: PersistenceOptions): Promise<void> {
  if (!options.adminUrl) return;
  await bootstrapDatabase({
    adminUrl: options.adminUrl,
    appUrl: options.url,
    schema: options.schema,
  });
}

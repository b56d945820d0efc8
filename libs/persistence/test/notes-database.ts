import { DataSource } from 'typeorm';
import { bootstrapDatabase, dataSourceOptions } from '../src/index.js';

const DATABASE = 'sagaflow_persistence_it';
export const ADMIN_URL = `postgres://postgres@127.0.0.1:5432/${DATABASE}`;

/**
 * An app's DataSource as the apps build it, on a schema and role of its own (`name`) in the
 * persistence suites' scratch database, with an empty `notes (id, body)` table.
 */
export async function notesDatabase(name: string, poolSize: number): Promise<DataSource> {
  const url = `postgres://sagaflow_it_${name}@127.0.0.1:5432/${DATABASE}`;
  await bootstrapDatabase({ adminUrl: ADMIN_URL, appUrl: url, schema: name });
  const dataSource = new DataSource(
    dataSourceOptions({
      url,
      schema: name,
      poolSize,
      migrationsRun: false,
      entities: [],
      migrations: [],
      healthCheckTimeoutMs: 1000,
      applicationName: `${name}-it`,
    }),
  );
  await dataSource.initialize();
  await dataSource.query('DROP TABLE IF EXISTS notes');
  await dataSource.query('CREATE TABLE notes (id int PRIMARY KEY, body text NOT NULL)');
  return dataSource;
}

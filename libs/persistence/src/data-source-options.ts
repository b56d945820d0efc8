import type { DataSourceOptions } from 'typeorm';
import type { PersistenceOptions } from './persistence.options.js';

/** The TypeORM settings of an app's schema. */
export function dataSourceOptions(options: PersistenceOptions): DataSourceOptions {
  return {
    type: 'postgres',
    url: options.url,
    schema: options.schema,
    applicationName: options.applicationName,
    entities: options.entities,
    migrations: options.migrations,
    migrationsTableName: 'migrations',
    migrationsRun: false,
    synchronize: false,
    poolSize: options.poolSize,
    // Unqualified names resolve in the app's own schema, whatever the role's defaults say.
    extra: { connectionTimeoutMillis: 3000, options: `-c search_path=${options.schema}` },
  };
}

import type { DataSourceOptions } from 'typeorm';
import { PipelinedTransactionClient } from './pipelined-transaction.client.js';
import type { PersistenceOptions } from './persistence.options.js';

const DEFAULT_CONNECTION_TIMEOUT_MS = 3000;
const DEFAULT_LOCK_TIMEOUT_MS = 5000;

/** The TypeORM settings of an app's schema. */
export function dataSourceOptions(options: PersistenceOptions): DataSourceOptions {
  const lockTimeoutMs = options.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS;
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
    extra: {
      // A transaction's BEGIN goes out with its first statement, held writes with the next.
      Client: PipelinedTransactionClient,
      connectionTimeoutMillis: options.connectionTimeoutMs ?? DEFAULT_CONNECTION_TIMEOUT_MS,
      // Unqualified names resolve in the app's own schema, whatever the role's defaults say.
      // The lock timeout rides in the startup packet too: no statement per transaction.
      options: `-c search_path=${options.schema} -c lock_timeout=${lockTimeoutMs}`,
    },
  };
}

export { AfterCommit } from './after-commit.js';
export { AfterCommitPublisher } from './after-commit.publisher.js';
export {
  DEFAULT_POOL_SIZE,
  migrateAndExit,
  persistenceOptionsOf,
  type AppDatabaseConfig,
  type SchemaDefinition,
} from './app-database.js';
export { bigintAsNumber } from './bigint-number.transformer.js';
export { bootstrapDatabase, type DatabaseBootstrapOptions } from './database-bootstrap.js';
export { DatabaseHealthIndicator } from './database-health.indicator.js';
export { dataSourceOptions } from './data-source-options.js';
export { migrateSchema } from './migrate-schema.js';
export { holdPrepared, queryPrepared } from './prepared-query.js';
export { PersistenceModule } from './persistence.module.js';
export type { PersistenceOptions } from './persistence.options.js';
export { runMigrations } from './run-migrations.js';
export { transientFailureOf, type TransientFailure } from './transient-failure.js';

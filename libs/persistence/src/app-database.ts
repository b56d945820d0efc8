import { ConsoleLogger, Logger } from '@nestjs/common';
import { databaseAdminUrlOf, logFormatOf, type DatabaseEnv, type ServiceEnv } from '@app/config';
import { migrateSchema } from './migrate-schema.js';
import type { PersistenceOptions } from './persistence.options.js';

/** The pool size when DATABASE_POOL_SIZE is not set: measured best on our machines. */
export const DEFAULT_POOL_SIZE = 8;

/** What an app keeps in its schema: the entities and the migrations that make their tables. */
export type SchemaDefinition = Pick<PersistenceOptions, 'schema' | 'entities' | 'migrations'>;

/** The settings of an app that owns a schema. */
export type AppDatabaseConfig = ServiceEnv & Partial<DatabaseEnv>;

/** An app's persistence options, from its config and the schema it owns. */
export function persistenceOptionsOf(
  service: string,
  config: AppDatabaseConfig,
  database: SchemaDefinition,
): PersistenceOptions {
  if (!config.DATABASE_URL) throw new Error(`${service} owns a schema but has no DATABASE_URL`);
  return {
    ...database,
    url: config.DATABASE_URL,
    adminUrl: databaseAdminUrlOf({ ...config, DATABASE_URL: config.DATABASE_URL }),
    poolSize: config.DATABASE_POOL_SIZE ?? DEFAULT_POOL_SIZE,
    connectionTimeoutMs: config.DATABASE_CONNECTION_TIMEOUT_MS,
    lockTimeoutMs: config.DATABASE_LOCK_TIMEOUT_MS,
    migrationsRun: config.DATABASE_MIGRATIONS_RUN ?? true,
    healthCheckTimeoutMs: config.HEALTH_CHECK_TIMEOUT_MS,
    applicationName: service,
  };
}

/**
 * `node main.js migrate`, what a Kubernetes migration Job runs once per release: bootstraps and
 * migrates the app's schema, then ends the process with exit code 0.
 */
export async function migrateAndExit(
  service: string,
  config: AppDatabaseConfig,
  database: SchemaDefinition,
): Promise<void> {
  Logger.overrideLogger(
    new ConsoleLogger(service, { json: logFormatOf(config) === 'json', colors: false }),
  );
  await migrateSchema({ ...persistenceOptionsOf(service, config, database), migrationsRun: true });
  new Logger(service).log('Schema is up to date');
  process.exit(0);
}

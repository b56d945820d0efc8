import { ConsoleLogger, Logger } from '@nestjs/common';
import { logFormatOf } from '@app/config';
import { migrateSchema } from '@app/persistence';
import {
  persistenceOptionsOf,
  type InfrastructureOptions,
  type SchemaDefinition,
} from './infrastructure-modules.js';

/** `node main.js migrate`: what a Kubernetes migration Job runs once per release. */
export function isMigrateCommand(argv: readonly string[] = process.argv): boolean {
  return argv[2] === 'migrate';
}

/** Bootstraps and migrates the app's schema, then ends the process with exit code 0. */
export async function migrateAndExit(
  service: string,
  config: InfrastructureOptions['config'],
  database: SchemaDefinition,
): Promise<void> {
  Logger.overrideLogger(
    new ConsoleLogger(service, { json: logFormatOf(config) === 'json', colors: false }),
  );
  await migrateSchema({ ...persistenceOptionsOf(service, config, database), migrationsRun: true });
  new Logger(service).log('Schema is up to date');
  process.exit(0);
}

export {
  infrastructureModules,
  persistenceOptionsOf,
  type InfrastructureOptions,
  type SchemaDefinition,
} from './infrastructure-modules.js';
export { isMigrateCommand, migrateAndExit } from './migrate-command.js';
export { startApp, type StartOptions } from './start-app.js';

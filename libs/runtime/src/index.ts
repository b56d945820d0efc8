export { infrastructureModules, type InfrastructureOptions } from './infrastructure-modules.js';
export { isMigrateCommand } from './migrate-command.js';
export { startApp, type StartOptions } from './start-app.js';

export { bootstrapDatabase, type DatabaseBootstrapOptions } from './database-bootstrap.js';
export { DatabaseHealthIndicator } from './database-health.indicator.js';
export { PersistenceModule, dataSourceOptions } from './persistence.module.js';
export type { PersistenceOptions } from './persistence.options.js';
export { runMigrations } from './run-migrations.js';
export { bigintAsNumber } from './bigint-number.transformer.js';

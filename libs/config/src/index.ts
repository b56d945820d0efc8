export { ConfigError } from './config.error.js';
export { env } from './env-fields.js';
export { loadConfig, type Env, type LoadConfigOptions } from './load-config.js';
export {
  BROKER_SECRETS,
  DATABASE_SECRETS,
  brokerEnv,
  databaseEnv,
  logFormatOf,
  serviceEnv,
  databaseAdminUrlOf,
  type BrokerEnv,
  type DatabaseEnv,
  type ServiceEnv,
} from './service.config.js';

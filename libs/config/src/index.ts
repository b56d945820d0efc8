export {
  appConfig,
  migrationConfig,
  type AppConfig,
  type ConfigCheck,
  type MigrationConfig,
} from './app-config.js';
export { isMigrateCommand } from './migrate-command.js';
export { DEFAULT_PORTS, type AppName, type DataApp } from './default-ports.js';
export { ConfigError } from './config.error.js';
export { env } from './env-fields.js';
export {
  IDENTITY_SECRETS,
  checkIdentityEnv,
  devTokenSecretOf,
  devTokensOn,
  identityEnv,
  identitySettingsOf,
  type IdentityEnv,
  type IdentitySettings,
} from './identity.config.js';
export { loadConfig, type Env, type LoadConfigOptions } from './load-config.js';
export {
  BROKER_SECRETS,
  BROKER_SERVICES,
  trustedPublishersOf,
  BROKER_TEST_ONLY,
  DATABASE_SECRETS,
  DISCOVERY_PROVIDERS,
  brokerEnv,
  databaseEnv,
  logFormatOf,
  serviceEnv,
  databaseAdminUrlOf,
  discoverySettingsOf,
  type BrokerEnv,
  type DatabaseEnv,
  type DiscoveryEnv,
  type DiscoveryProvider,
  type DiscoverySettings,
  type ServiceEnv,
} from './service.config.js';
export {
  tracingEnv,
  tracingSettingsOf,
  type TracingEnv,
  type TracingSettings,
} from './tracing.config.js';

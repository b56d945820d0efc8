import type { DynamicModule, Type } from '@nestjs/common';
import {
  ConfigError,
  databaseAdminUrlOf,
  discoverySettingsOf,
  identitySettingsOf,
  logFormatOf,
  type BrokerEnv,
  type DatabaseEnv,
  type IdentityEnv,
  type ServiceEnv,
} from '@app/config';
import { RegistrationModule } from '@app/discovery';
import { HealthModule, type ReadinessIndicator } from '@app/health';
import { IdentityModule } from '@app/identity';
import { LoggingModule } from '@app/logging';
import {
  BrokerConnection,
  deliveryConcurrency,
  MessagingModule,
  messagingMigrations,
  POOL_RESERVE,
  type MessagingChaosOptions,
  type MessagingOptions,
} from '@app/messaging';
import { MetricsModule } from '@app/metrics';
import {
  DatabaseHealthIndicator,
  PersistenceModule,
  type PersistenceOptions,
} from '@app/persistence';

const DEFAULT_POOL_SIZE = 8;

type AppConfig = ServiceEnv & IdentityEnv & Partial<DatabaseEnv> & Partial<BrokerEnv>;

/** What an app keeps in its schema: the entities and the migrations that make their tables. */
export type SchemaDefinition = Pick<PersistenceOptions, 'schema' | 'entities' | 'migrations'>;

export interface InfrastructureOptions {
  service: string;
  config: AppConfig;
  /** The app's own schema; omitted for an app that owns no data (the gateway). */
  database?: SchemaDefinition;
  /** The queues the app consumes and where replies to its commands go; needs a database. */
  messaging?: Pick<MessagingOptions, 'consume' | 'replyTo'>;
  /** Extra readiness checks the app adds to the database and broker. */
  readiness?: Type<ReadinessIndicator>[];
  /**
   * Announce this app to the gateway's registry when DISCOVERY_PROVIDER=self-registration;
   * on by default, off for the gateway itself.
   */
  selfRegister?: boolean;
}

/**
 * The modules every app stands on: logs, the caller's token checked on every route, metrics, its
 * database, its broker connection, health probes.
 */
export function infrastructureModules(options: InfrastructureOptions): DynamicModule[] {
  const { config, service } = options;
  const modules: DynamicModule[] = [
    LoggingModule.forRoot({ service, level: config.LOG_LEVEL, format: logFormatOf(config) }),
    IdentityModule.forRoot(identitySettingsOf(config)),
    MetricsModule.forRoot(),
  ];
  const readiness: Type<ReadinessIndicator>[] = [];
  if (options.database) {
    const database = options.messaging ? withMessagingTables(options.database) : options.database;
    modules.push(PersistenceModule.forRoot(persistenceOptionsOf(service, config, database)));
    readiness.push(DatabaseHealthIndicator);
  }
  if (options.messaging) {
    if (!options.database || !config.AMQP_URL) {
      throw new Error(`${service} sends messages but has no database or AMQP_URL`);
    }
    checkPoolFitsDeliveries(config);
    modules.push(
      MessagingModule.forRoot({
        ...options.messaging,
        url: config.AMQP_URL,
        connectionName: service,
        namespace: config.AMQP_NAMESPACE,
        prefetch: config.AMQP_PREFETCH,
        concurrency: config.AMQP_CONCURRENCY,
        faultInjection: config.FAULT_INJECTION,
        chaos: messagingChaosOf(config),
      }),
    );
    readiness.push(BrokerConnection);
  }
  readiness.push(...(options.readiness ?? []));
  const discovery = discoverySettingsOf(config);
  if (discovery.provider === 'self-registration' && options.selfRegister !== false) {
    modules.push(
      RegistrationModule.forRoot({
        service,
        registryUrl: discovery.registryUrl,
        advertisedUrl: discovery.advertisedUrl,
        token: discovery.registrationToken,
        leaseTtlMs: discovery.leaseTtlMs,
        renewIntervalMs: discovery.renewIntervalMs,
      }),
    );
  }
  modules.push(HealthModule.forRoot({ readiness, shutdownGraceMs: config.SHUTDOWN_GRACE_MS }));
  return modules;
}

export function persistenceOptionsOf(
  service: string,
  config: AppConfig,
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
 * Every delivery being handled holds a pooled connection, so the pool must serve the deliveries
 * handled at once plus its reserve (the outbox relay, health checks): otherwise deliveries would
 * wait for connections the pool does not have. Found at start-up, with the variables to change.
 */
function checkPoolFitsDeliveries(config: AppConfig): void {
  const poolSize = config.DATABASE_POOL_SIZE ?? DEFAULT_POOL_SIZE;
  try {
    deliveryConcurrency({
      prefetch: config.AMQP_PREFETCH,
      poolSize,
      requested: config.AMQP_CONCURRENCY,
    });
  } catch {
    throw new ConfigError([
      config.AMQP_CONCURRENCY === undefined
        ? `DATABASE_POOL_SIZE (${poolSize}) must be at least ${POOL_RESERVE + 1} for an app that consumes messages: ${POOL_RESERVE} connections stay for the outbox relay and health checks`
        : `AMQP_CONCURRENCY (${config.AMQP_CONCURRENCY}) must be at most DATABASE_POOL_SIZE (${poolSize}) - ${POOL_RESERVE}: each delivery handled holds a connection, and ${POOL_RESERVE} stay for the outbox relay and health checks`,
    ]);
  }
}

/** MESSAGING_CHAOS and its rate and seed; undefined (off) unless it names a kind. */
export function messagingChaosOf(config: Partial<BrokerEnv>): MessagingChaosOptions | undefined {
  if (!config.MESSAGING_CHAOS?.length) return undefined;
  return {
    kinds: config.MESSAGING_CHAOS,
    rate: config.MESSAGING_CHAOS_RATE ?? 0.05,
    seed: config.MESSAGING_CHAOS_SEED,
  };
}

/** The outbox and inbox live in the app's own schema, beside the rows they commit with. */
function withMessagingTables(database: SchemaDefinition): SchemaDefinition {
  return { ...database, migrations: [...toArray(database.migrations), ...messagingMigrations] };
}

function toArray<T>(list: T[] | Record<string, T>): T[] {
  return Array.isArray(list) ? list : Object.values(list);
}

import {
  ConfigError,
  trustedPublishersOf,
  type BrokerEnv,
  type DatabaseEnv,
  type ServiceEnv,
} from '@app/config';
import { DEFAULT_POOL_SIZE, type SchemaDefinition } from '@app/persistence';
import { deliveryConcurrency, POOL_RESERVE } from './delivery-slots.js';
import type { MessagingChaosOptions, MessagingOptions } from './messaging.options.js';
import { messagingMigrations } from './migrations/messaging-migrations.js';

/** The settings of an app that sends or consumes messages (it owns a schema for its outbox). */
export type AppMessagingConfig = ServiceEnv & Partial<DatabaseEnv> & Partial<BrokerEnv>;

/**
 * An app's messaging options, from its config, the queues it consumes and where replies to its
 * commands go. Fails start-up when the broker is not configured or the database pool cannot
 * serve the deliveries handled at once.
 */
export function messagingOptionsOf(
  service: string,
  config: AppMessagingConfig,
  queues: Pick<MessagingOptions, 'consume' | 'replyTo'>,
): MessagingOptions {
  if (!config.AMQP_URL) throw new Error(`${service} sends messages but has no AMQP_URL`);
  checkPoolFitsDeliveries(config);
  return {
    ...queues,
    url: config.AMQP_URL,
    connectionName: service,
    namespace: config.AMQP_NAMESPACE,
    declareTopology: config.AMQP_DECLARE_TOPOLOGY,
    prefetch: config.AMQP_PREFETCH,
    concurrency: config.AMQP_CONCURRENCY,
    faultInjection: config.FAULT_INJECTION,
    chaos: messagingChaosOf(config),
    trustedPublishers: trustedPublishersOf(config.AMQP_PUBLISHER_USERS, service),
    maxMessageBytes: config.AMQP_MAX_MESSAGE_BYTES,
  };
}

/** The outbox and inbox live in the app's own schema, beside the rows they commit with. */
export function withMessagingTables(database: SchemaDefinition): SchemaDefinition {
  return { ...database, migrations: [...toArray(database.migrations), ...messagingMigrations] };
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

/**
 * Every delivery being handled holds a pooled connection, so the pool must serve the deliveries
 * handled at once plus its reserve (the outbox relay, health checks): otherwise deliveries would
 * wait for connections the pool does not have. Found at start-up, with the variables to change.
 */
function checkPoolFitsDeliveries(config: AppMessagingConfig): void {
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

function toArray<T>(list: T[] | Record<string, T>): T[] {
  return Array.isArray(list) ? list : Object.values(list);
}

import { z } from 'zod';
import { ConfigError } from './config.error.js';
import { DEFAULT_PORTS } from './default-ports.js';
import { env } from './env-fields.js';
import { tracingEnv } from './tracing.config.js';

/**
 * Settings every app shares: how it runs, where it listens, how it logs and traces, how it shuts
 * down.
 */
export const serviceEnv = (defaultPort: number) => ({
  NODE_ENV: env.oneOf(['development', 'test', 'production'], 'development'),
  HOST: z.string().min(1).default('0.0.0.0'),
  PORT: env.port(defaultPort),
  LOG_LEVEL: env.oneOf(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], 'info'),
  /** Unset means JSON in production and readable lines elsewhere. */
  LOG_FORMAT: z.enum(['json', 'pretty'], { error: 'must be json or pretty' }).optional(),
  /** How long readiness reports "shutting down" before connections close. */
  SHUTDOWN_GRACE_MS: env.milliseconds(1000),
  /** Set: `/metrics` asks for this bearer token (the scraper's). Unset: open, as the probes. */
  METRICS_TOKEN: z.string().min(16, { error: 'must be at least 16 characters' }).optional(),
  HEALTH_CHECK_TIMEOUT_MS: env.milliseconds(1000),
  ...discoveryEnv(),
  ...tracingEnv(),
});

export const DISCOVERY_PROVIDERS = ['static', 'self-registration', 'dns'] as const;
export type DiscoveryProvider = (typeof DISCOVERY_PROVIDERS)[number];

/**
 * How the gateway finds the apps' instances, shared by the gateway (which keeps the registry)
 * and the apps (which announce themselves to it under `self-registration`).
 */
function discoveryEnv() {
  return {
    /** `static`: the gateway's *_URL lists; `self-registration`: apps announce themselves; `dns`. */
    DISCOVERY_PROVIDER: env.oneOf(DISCOVERY_PROVIDERS, 'static'),
    /**
     * This app's own registration credential (the gateway knows it as this service's, in
     * DISCOVERY_REGISTRATION_TOKENS). No default in any mode: a public default is no credential.
     */
    DISCOVERY_REGISTRATION_TOKEN: z
      .string()
      .min(16, { error: 'must be at least 16 characters' })
      .optional(),
    /** Where an app registers itself (the gateway). */
    GATEWAY_REGISTRY_URL: env.url(['http:', 'https:'], `http://127.0.0.1:${DEFAULT_PORTS.gateway}`),
    /** The URL the gateway should call this instance on; unset means http://127.0.0.1:$PORT. */
    DISCOVERY_ADVERTISED_URL: env.url(['http:', 'https:']).optional(),
    /** An instance that has not renewed its registration for this long is evicted. */
    DISCOVERY_LEASE_TTL_MS: env.positiveInt(15_000),
    /** How often an instance renews its registration: well inside the lease. */
    DISCOVERY_RENEW_INTERVAL_MS: env.positiveInt(5_000),
  };
}

export type DiscoveryEnv = z.infer<z.ZodObject<ReturnType<typeof discoveryEnv>>>;

export interface DiscoverySettings {
  provider: DiscoveryProvider;
  /** Unset unless given: self-registering without one fails start-up. */
  registrationToken?: string;
  registryUrl: string;
  advertisedUrl: string;
  leaseTtlMs: number;
  renewIntervalMs: number;
}

/** The discovery settings with their defaults resolved. */
export function discoverySettingsOf(
  config: DiscoveryEnv & Pick<ServiceEnv, 'NODE_ENV' | 'PORT'>,
): DiscoverySettings {
  const selfRegistration = config.DISCOVERY_PROVIDER === 'self-registration';
  if (selfRegistration && config.DISCOVERY_RENEW_INTERVAL_MS >= config.DISCOVERY_LEASE_TTL_MS) {
    throw new ConfigError([
      'DISCOVERY_RENEW_INTERVAL_MS must be shorter than DISCOVERY_LEASE_TTL_MS',
    ]);
  }
  return {
    provider: config.DISCOVERY_PROVIDER,
    registrationToken: config.DISCOVERY_REGISTRATION_TOKEN,
    registryUrl: config.GATEWAY_REGISTRY_URL.replace(/\/+$/, ''),
    advertisedUrl: (config.DISCOVERY_ADVERTISED_URL ?? `http://127.0.0.1:${config.PORT}`).replace(
      /\/+$/,
      '',
    ),
    leaseTtlMs: config.DISCOVERY_LEASE_TTL_MS,
    renewIntervalMs: config.DISCOVERY_RENEW_INTERVAL_MS,
  };
}

/** Settings of an app that owns a PostgreSQL schema. */
export const databaseEnv = (role: string) => ({
  /** The app's own role: it may touch its own schema only. */
  DATABASE_URL: env.url(['postgres:', 'postgresql:'], `postgres://${role}@127.0.0.1:5432/sagaflow`),
  /** An admin connection that creates the database, role and schema; unset skips that step. */
  DATABASE_ADMIN_URL: env.url(['postgres:', 'postgresql:']).optional(),
  /** Each delivery being handled holds one; 2 stay for the outbox relay and health checks. */
  DATABASE_POOL_SIZE: env.positiveInt(8),
  /** How long a query waits for a free pooled connection. */
  DATABASE_CONNECTION_TIMEOUT_MS: env.positiveInt(3000),
  /** PostgreSQL's lock_timeout: a lock wait longer than this fails and is retried; 0 waits forever. */
  DATABASE_LOCK_TIMEOUT_MS: env.milliseconds(5000),
  DATABASE_MIGRATIONS_RUN: env.boolean(true),
});

/** Every app that publishes to the broker. */
export const BROKER_SERVICES = ['saga-orchestrator', 'order', 'credit', 'payment'] as const;

/**
 * The broker users trusted to publish a message type to `service`: the orchestrator receives
 * replies from the participant that names the type (and its own replays of dead letters); a
 * participant receives commands from the orchestrator only. Undefined when no users are set.
 */
export function trustedPublishersOf(
  users: Record<string, string> | undefined,
  service: string,
): ((messageType: string) => readonly string[]) | undefined {
  if (!users) return undefined;
  const orchestrator = users['saga-orchestrator'];
  if (service !== 'saga-orchestrator') return () => [orchestrator];
  return (messageType) => {
    const sender = users[messageType.slice(0, messageType.indexOf('.'))];
    return sender ? [sender, orchestrator] : [orchestrator];
  };
}

/** Settings of an app that talks to RabbitMQ. */
export const brokerEnv = () => ({
  AMQP_URL: env.url(['amqp:', 'amqps:'], 'amqp://guest:guest@127.0.0.1:5672'),
  /** Unacknowledged messages a consumer holds at once; unset: AMQP_CONCURRENCY (a backlog stays queued). */
  AMQP_PREFETCH: z.coerce
    .number({ error: 'must be a number' })
    .int({ error: 'must be a whole number' })
    .positive({ error: 'must be greater than zero' })
    .optional(),
  /** Deliveries handled at once; unset: DATABASE_POOL_SIZE - 2, at most AMQP_PREFETCH if set. */
  AMQP_CONCURRENCY: z.coerce
    .number({ error: 'must be a number' })
    .int({ error: 'must be a whole number' })
    .positive({ error: 'must be greater than zero' })
    .optional(),
  /** Prefix of every exchange and queue name: lets test runs share a broker with a running system. */
  AMQP_NAMESPACE: z
    .string()
    .regex(/^[a-z0-9-]*\.?$/, {
      error: 'must be lowercase letters, digits and dashes, ending in a dot',
    })
    .default(''),
  /**
   * Each app's broker user, `saga-orchestrator:<user>,order:<user>,credit:<user>,payment:<user>`:
   * a command takes effect only if the orchestrator's user published it, a reply only if its
   * participant's did. Unset (every app as guest, locally): no check.
   */
  AMQP_PUBLISHER_USERS: z
    .string()
    .optional()
    .transform((value, context) => {
      if (!value) return undefined;
      const users: Record<string, string> = {};
      for (const entry of value.split(',')) {
        const [service, user] = entry.split(':').map((part) => part.trim());
        if (!service || !user) {
          context.addIssue({ code: 'custom', message: 'must be a comma list of <service>:<user>' });
          return z.NEVER;
        }
        users[service] = user;
      }
      const missing = BROKER_SERVICES.filter((service) => !users[service]);
      if (missing.length > 0) {
        context.addIssue({ code: 'custom', message: `must name a user for ${missing.join(', ')}` });
        return z.NEVER;
      }
      return users;
    }),
  /** A larger delivery is dead-lettered unread (RabbitMQ's max_message_size bounds it too). */
  AMQP_MAX_MESSAGE_BYTES: env.positiveInt(256 * 1024),
  /**
   * Declare the exchanges and queues (on every connection). False: only check that those this app
   * uses exist, unready until another app (the orchestrator) has declared them, so its broker user
   * needs no configure permission.
   */
  AMQP_DECLARE_TOPOLOGY: env.boolean(true),
  /**
   * Crash points, lost messages and refused commands, for tests only. `refuse:<command type>`
   * (e.g. `refuse:credit.release-credit`) answers every such command with its failure reply.
   */
  FAULT_INJECTION: z
    .union(
      [
        z.enum(['crash-before-outbox-publish', 'dead-letter-first-replies']),
        z.templateLiteral(['refuse:', z.string().regex(/^[a-z0-9-]+\.[a-z0-9-]+$/)]),
      ],
      {
        error:
          'must be crash-before-outbox-publish, dead-letter-first-replies or refuse:<command type>',
      },
    )
    .optional(),
  ...messagingChaosEnv(),
});

export const MESSAGING_CHAOS_KINDS = ['duplicate', 'reorder'] as const;
export type MessagingChaosKind = (typeof MESSAGING_CHAOS_KINDS)[number];

/**
 * Duplicated and reordered deliveries made by the outbox relay itself, for the chaos harness only
 * (chaos/README.md): the consumers must absorb them. Unset is off.
 */
function messagingChaosEnv() {
  const kinds = `a comma list of ${MESSAGING_CHAOS_KINDS.join(', ')}`;
  return {
    /** `duplicate`, `reorder` or both, comma-separated. */
    MESSAGING_CHAOS: z
      .string()
      .transform((value) => value.split(',').map((kind) => kind.trim()))
      .refine((list) => list.every(isMessagingChaosKind), { error: `must be ${kinds}` })
      .transform((list) => [...new Set(list as MessagingChaosKind[])])
      .optional(),
    /** The chance that a published message is duplicated (or held back), per kind. */
    MESSAGING_CHAOS_RATE: z.coerce
      .number({ error: 'must be a number between 0 and 1' })
      .min(0, { error: 'must be a number between 0 and 1' })
      .max(1, { error: 'must be a number between 0 and 1' })
      .default(0.05),
    /** Makes an instance's choices repeatable; unset draws from Math.random. */
    MESSAGING_CHAOS_SEED: z.coerce
      .number({ error: 'must be a whole number' })
      .int({ error: 'must be a whole number' })
      .optional(),
  };
}

function isMessagingChaosKind(kind: string): kind is MessagingChaosKind {
  return (MESSAGING_CHAOS_KINDS as readonly string[]).includes(kind);
}

export type BrokerEnv = z.infer<z.ZodObject<ReturnType<typeof brokerEnv>>>;

export const DATABASE_SECRETS = ['DATABASE_URL'] as const;
export const BROKER_SECRETS = ['AMQP_URL'] as const;
export const BROKER_TEST_ONLY = [
  'FAULT_INJECTION',
  'MESSAGING_CHAOS',
  'MESSAGING_CHAOS_RATE',
  'MESSAGING_CHAOS_SEED',
] as const;

export type ServiceEnv = z.infer<z.ZodObject<ReturnType<typeof serviceEnv>>>;

/** JSON logs unless asked otherwise; readable lines by default on a developer's machine. */
export function logFormatOf(
  config: Pick<ServiceEnv, 'NODE_ENV' | 'LOG_FORMAT'>,
): 'json' | 'pretty' {
  return config.LOG_FORMAT ?? (config.NODE_ENV === 'production' ? 'json' : 'pretty');
}

export type DatabaseEnv = z.infer<z.ZodObject<ReturnType<typeof databaseEnv>>>;

/**
 * The admin connection for bootstrapping. Locally it defaults to the `postgres` superuser on the
 * app's database; in production it must be given explicitly (or the bootstrap is left to a Job).
 */
export function databaseAdminUrlOf(
  config: Pick<ServiceEnv, 'NODE_ENV'> & Pick<DatabaseEnv, 'DATABASE_URL' | 'DATABASE_ADMIN_URL'>,
): string | undefined {
  if (config.DATABASE_ADMIN_URL) return config.DATABASE_ADMIN_URL;
  if (config.NODE_ENV === 'production') return undefined;
  const url = new URL(config.DATABASE_URL);
  url.username = 'postgres';
  url.password = '';
  return url.toString();
}

import { z } from 'zod';
import { env } from './env-fields.js';

/** Settings every app shares: how it runs, where it listens, how it logs, how it shuts down. */
export const serviceEnv = (defaultPort: number) => ({
  NODE_ENV: env.oneOf(['development', 'test', 'production'], 'development'),
  HOST: z.string().min(1).default('0.0.0.0'),
  PORT: env.port(defaultPort),
  LOG_LEVEL: env.oneOf(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], 'info'),
  /** Unset means JSON in production and readable lines elsewhere. */
  LOG_FORMAT: z.enum(['json', 'pretty'], { error: 'must be json or pretty' }).optional(),
  /** How long readiness reports "shutting down" before connections close. */
  SHUTDOWN_GRACE_MS: env.milliseconds(1000),
  HEALTH_CHECK_TIMEOUT_MS: env.milliseconds(1000),
});

/** Settings of an app that owns a PostgreSQL schema. */
export const databaseEnv = (role: string) => ({
  /** The app's own role: it may touch its own schema only. */
  DATABASE_URL: env.url(['postgres:', 'postgresql:'], `postgres://${role}@127.0.0.1:5432/sagaflow`),
  /** An admin connection that creates the database, role and schema; unset skips that step. */
  DATABASE_ADMIN_URL: env.url(['postgres:', 'postgresql:']).optional(),
  DATABASE_POOL_SIZE: env.positiveInt(8),
  DATABASE_MIGRATIONS_RUN: env.boolean(true),
});

/** Settings of an app that talks to RabbitMQ. */
export const brokerEnv = () => ({
  AMQP_URL: env.url(['amqp:', 'amqps:'], 'amqp://guest:guest@127.0.0.1:5672'),
  /** Unacknowledged messages a consumer holds at once. */
  AMQP_PREFETCH: env.positiveInt(20),
  /** Prefix of every exchange and queue name: lets test runs share a broker with a running system. */
  AMQP_NAMESPACE: z
    .string()
    .regex(/^[a-z0-9-]*\.?$/, {
      error: 'must be lowercase letters, digits and dashes, ending in a dot',
    })
    .default(''),
  /** Crash points for recovery tests only. */
  FAULT_INJECTION: z
    .enum(['crash-before-outbox-publish'], { error: 'must be crash-before-outbox-publish' })
    .optional(),
});

export type BrokerEnv = z.infer<z.ZodObject<ReturnType<typeof brokerEnv>>>;

export const DATABASE_SECRETS = ['DATABASE_URL'] as const;
export const BROKER_SECRETS = ['AMQP_URL'] as const;

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

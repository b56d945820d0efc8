import { z } from 'zod';
import { ConfigError } from './config.error.js';

export type Env = Record<string, string | undefined>;

export interface LoadConfigOptions {
  /** Variables that hold secrets: never echoed, and required when NODE_ENV=production. */
  secrets?: readonly string[];
  /** Variables for tests only (crash points, say): refused when NODE_ENV=production. */
  testOnly?: readonly string[];
}

/**
 * Names that hold credentials whether or not a loader lists them as secrets (an admin URL, a
 * registration token, a Redis URL with its password): their values are never echoed in an error
 * either.
 */
const NEVER_ECHOED = /TOKENS?$|SECRET|PASSWORD|CREDENTIALS?$|^DATABASE_ADMIN_URL$|REDIS_URL$/;

/**
 * Connections that carry credentials and data must be encrypted and verified in production: a
 * PostgreSQL URL with sslmode=verify-full, an AMQP URL over TLS (amqps).
 */
function transportProblems(env: Env, names: readonly string[]): string[] {
  const problems: string[] = [];
  for (const name of ['DATABASE_URL', 'DATABASE_ADMIN_URL'].filter((n) => names.includes(n))) {
    const value = env[name];
    if (value && !/[?&]sslmode=verify-full(&|$)/.test(value)) {
      problems.push(`${name} must use sslmode=verify-full when NODE_ENV=production`);
    }
  }
  const amqp = names.includes('AMQP_URL') ? env.AMQP_URL : undefined;
  if (amqp && !amqp.startsWith('amqps://')) {
    problems.push('AMQP_URL must be an amqps:// (TLS) URL when NODE_ENV=production');
  }
  return problems;
}

/**
 * Parses the environment against a schema whose keys are the variable names.
 * Fails with one readable line that names every bad variable.
 */
export function loadConfig<S extends z.ZodObject>(
  schema: S,
  env: Env = process.env,
  options: LoadConfigOptions = {},
): z.infer<S> {
  const secrets = new Set(options.secrets ?? []);
  const problems: string[] = [];
  if (env.NODE_ENV === 'production') {
    for (const name of secrets) {
      if (!env[name]) problems.push(`${name} is required when NODE_ENV=production`);
    }
    for (const name of options.testOnly ?? []) {
      if (env[name]) problems.push(`${name} is for tests only and must not be set in production`);
    }
    problems.push(...transportProblems(env, Object.keys(schema.shape)));
  }
  const result = schema.safeParse(pickDefined(env, Object.keys(schema.shape)));
  if (!result.success) {
    for (const issue of result.error.issues) {
      const name = issue.path.join('.');
      const given = env[name];
      const hidden = secrets.has(name) || NEVER_ECHOED.test(name);
      const shown = given === undefined || hidden ? '' : ` (got "${given}")`;
      problems.push(`${name}: ${issue.message}${shown}`);
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return result.data as z.infer<S>;
}

/** Empty strings count as unset, so `PORT=` falls back to the default rather than failing. */
function pickDefined(env: Env, names: string[]): Record<string, string> {
  const picked: Record<string, string> = {};
  for (const name of names) {
    const value = env[name];
    if (value !== undefined && value !== '') picked[name] = value;
  }
  return picked;
}

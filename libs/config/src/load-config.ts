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
 * registration token): their values are never echoed in an error either.
 */
const NEVER_ECHOED = /TOKENS?$|SECRET|PASSWORD|CREDENTIALS?$|^DATABASE_ADMIN_URL$/;

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

import { env } from '@app/config';
import { z } from 'zod';
import { SERVICE_NAMES, type ServiceName } from '../upstream/service-names.js';

/**
 * The services' addresses: one URL, or several separated by commas (static discovery spreads
 * requests over them; dns discovery resolves the host of the first, plus DISCOVERY_DNS_SUFFIX).
 */
export const upstreamUrls = (port: number) =>
  z
    .string()
    .default(`http://127.0.0.1:${port}`)
    .refine((value) => urlsOf(value).length > 0 && urlsOf(value).every(isHttpUrl), {
      error: 'must be a URL starting with http:// or https://, or several separated by commas',
    });

/** The gateway's side of discovery: health checks, ejection, retries, circuit breakers. */
export const registryEnv = () => ({
  /** How often each instance's /health/ready is checked (± 20% jitter). */
  DISCOVERY_HEALTH_INTERVAL_MS: env.positiveInt(5000),
  DISCOVERY_HEALTH_TIMEOUT_MS: env.positiveInt(1000),
  /** Consecutive failed requests (no connection, reset, timeout, 5xx) that eject an instance. */
  DISCOVERY_EJECTION_FAILURES: env.positiveInt(5),
  /** The first ejection's length; each further one doubles, up to DISCOVERY_EJECTION_MAX_MS. */
  DISCOVERY_EJECTION_BASE_MS: env.positiveInt(10_000),
  DISCOVERY_EJECTION_MAX_MS: env.positiveInt(300_000),
  /** How often dns discovery resolves the services' names again. */
  DISCOVERY_DNS_INTERVAL_MS: env.positiveInt(10_000),
  /** Appended to the host of each *_URL to name its headless Service (dns discovery). */
  DISCOVERY_DNS_SUFFIX: z
    .string()
    .regex(/^[a-z0-9.-]*$/, { error: 'must be lowercase letters, digits, dots and dashes' })
    .default('-headless'),
  /**
   * Self-registration credentials, one per service: `credit:<token>,order:<token>`. A token
   * registers instances of its own service only. Required for self-registration; no default.
   */
  DISCOVERY_REGISTRATION_TOKENS: z
    .string()
    .optional()
    .transform((value, context) => {
      const tokens = new Map<ServiceName, string>();
      for (const entry of (value ?? '').split(',').filter((part) => part.trim() !== '')) {
        const [service, token] = [
          entry.slice(0, entry.indexOf(':')).trim(),
          entry.slice(entry.indexOf(':') + 1).trim(),
        ];
        if (!SERVICE_NAMES.includes(service as ServiceName) || token.length < 16) {
          context.addIssue({
            code: 'custom',
            message: `must be a comma list of <service>:<token of 16+ characters>, services among ${SERVICE_NAMES.join(', ')}`,
          });
          return z.NEVER;
        }
        tokens.set(service as ServiceName, token);
      }
      return tokens;
    }),
  /**
   * Where a self-registered instance may be: `<service>=<host>:<port>` entries, comma-separated;
   * `*` in a host matches one name or address part, a port `*` any port, a service `*` all of
   * them. Anything else is refused, so the gateway never forwards users' requests, nor sends its
   * health checks, to an address an attacker chose. Unset: loopback only, outside production.
   */
  DISCOVERY_REGISTRATION_ALLOWED_URLS: z
    .string()
    .optional()
    .transform((value, context) => {
      const rules: RegistrationUrlRule[] = [];
      for (const entry of (value ?? '').split(',').filter((part) => part.trim() !== '')) {
        const match = /^\s*([\w*-]+)=([A-Za-z0-9.*-]+):(\d{1,5}|\*)\s*$/.exec(entry);
        if (!match || !(match[1] === '*' || SERVICE_NAMES.includes(match[1] as ServiceName))) {
          context.addIssue({
            code: 'custom',
            message: 'must be a comma list of <service or *>=<host pattern>:<port or *>',
          });
          return z.NEVER;
        }
        rules.push({ service: match[1] as ServiceName | '*', host: match[2], port: match[3] });
      }
      return rules;
    }),
  /** Self-registered instances one service may have at once; more are refused. */
  DISCOVERY_MAX_INSTANCES_PER_SERVICE: env.positiveInt(20),
  /** Further attempts of a failed idempotent request (or one that never reached an instance). */
  UPSTREAM_RETRIES: z.coerce
    .number({ error: 'must be a number' })
    .int({ error: 'must be a whole number' })
    .min(0, { error: 'must not be negative' })
    .default(2),
  /** Consecutive failed calls to a service that open its circuit (fail fast with 503). */
  UPSTREAM_BREAKER_FAILURES: env.positiveInt(5),
  /** How long an open circuit waits before letting one call through to test the service. */
  UPSTREAM_BREAKER_HALF_OPEN_MS: env.positiveInt(10_000),
});

/** The comma-separated entries of a setting, trimmed, without empty ones. */
export function urlsOf(value: string): string[] {
  return value
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry.length > 0);
}

function isHttpUrl(value: string): boolean {
  try {
    return ['http:', 'https:'].includes(new URL(value).protocol);
  } catch {
    return false;
  }
}

export interface RegistrationUrlRule {
  service: ServiceName | '*';
  /** Lowercase; `*` matches one DNS label or address part. */
  host: string;
  port: string;
}

/** Loopback only: what a developer's machine runs. */
export const LOCAL_REGISTRATION_URL_RULES: readonly RegistrationUrlRule[] = [
  { service: '*', host: '127.0.0.1', port: '*' },
  { service: '*', host: 'localhost', port: '*' },
];

/** Whether `url` is an address `service` may register under the rules. */
export function isAllowedRegistrationUrl(
  rules: readonly RegistrationUrlRule[],
  service: ServiceName,
  url: string,
): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  // No credentials, paths or queries: an instance is an origin.
  if (parsed.username || parsed.password || parsed.pathname !== '/' || parsed.search) return false;
  const port = parsed.port || (parsed.protocol === 'https:' ? '443' : '80');
  return rules.some(
    (rule) =>
      (rule.service === '*' || rule.service === service) &&
      (rule.port === '*' || rule.port === port) &&
      hostMatches(rule.host.toLowerCase(), parsed.hostname.toLowerCase()),
  );
}

function hostMatches(pattern: string, host: string): boolean {
  const wanted = pattern.split('.');
  const parts = host.split('.');
  return (
    wanted.length === parts.length &&
    wanted.every((part, index) => (part === '*' ? parts[index] !== '' : part === parts[index]))
  );
}

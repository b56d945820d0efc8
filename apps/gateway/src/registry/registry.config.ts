import { env } from '@app/config';
import { z } from 'zod';
import { SERVICE_NAMES } from '../upstream/service-names.js';

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
  /** Services that must have a healthy instance for the gateway to be ready; comma-separated. */
  DISCOVERY_REQUIRED_SERVICES: z
    .string()
    .default(SERVICE_NAMES.join(','))
    .transform((value) => urlsOf(value))
    .pipe(z.array(z.enum(SERVICE_NAMES, { error: `must name ${SERVICE_NAMES.join(', ')}` }))),
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

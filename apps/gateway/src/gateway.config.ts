import { env, loadConfig, serviceEnv, type Env } from '@app/config';
import { z } from 'zod';
import { registryEnv, upstreamUrls } from './registry/registry.config.js';

/** Stands in for a real secret on a developer's machine only: production must set its own. */
const LOCAL_JWT_SECRET = 'sagaflow-local-dev-token-secret-not-for-production';

export const gatewayConfigSchema = z
  .object({
    ...serviceEnv(3000),
    ORDER_URL: upstreamUrls(3002),
    CREDIT_URL: upstreamUrls(3003),
    PAYMENT_URL: upstreamUrls(3004),
    SAGA_ORCHESTRATOR_URL: upstreamUrls(3001),
    /** `POST /api/auth/dev-token`; unset means on, except when NODE_ENV=production. */
    AUTH_DEV_TOKENS: z
      .enum(['true', 'false', '1', '0'], { error: 'must be true or false' })
      .transform((value) => value === 'true' || value === '1')
      .optional(),
    /** Signs and verifies dev tokens (HS256). */
    AUTH_JWT_SECRET: z
      .string()
      .min(32, { error: 'must be at least 32 characters' })
      .default(LOCAL_JWT_SECRET),
    /** An OIDC issuer whose RS256 tokens are accepted; all three are set together. */
    AUTH_ISSUER: z.string().min(1).optional(),
    AUTH_AUDIENCE: z.string().min(1).optional(),
    AUTH_JWKS_URL: env.url(['https:', 'http:']).optional(),
    UPSTREAM_TIMEOUT_MS: env.positiveInt(5000),
    ...registryEnv(),
    BODY_LIMIT: z
      .string()
      .regex(/^\d+(b|kb|mb)$/i, { error: 'must be a size such as 100kb or 1mb' })
      .default('100kb'),
    /** Requests one client (address) may make to `/api` routes in a minute, per gateway instance. */
    RATE_LIMIT_PER_MINUTE: env.positiveInt(1200),
    /** Proxies in front of the gateway (an ingress) whose X-Forwarded-For names the client. */
    TRUST_PROXY_HOPS: z.coerce
      .number({ error: 'must be a number' })
      .int({ error: 'must be a whole number' })
      .nonnegative({ error: 'must not be negative' })
      .default(0),
    /** Comma-separated origins allowed to call the API from a browser; empty allows none. */
    CORS_ORIGINS: z
      .string()
      .default('')
      .transform((value) =>
        value
          .split(',')
          .map((origin) => origin.trim())
          .filter((origin) => origin.length > 0),
      )
      .pipe(z.array(z.url({ error: 'must be a comma-separated list of origins' }))),
  })
  .superRefine((config, context) => {
    const oidc = [config.AUTH_ISSUER, config.AUTH_AUDIENCE, config.AUTH_JWKS_URL];
    if (oidc.some(Boolean) && !oidc.every(Boolean)) {
      for (const name of ['AUTH_ISSUER', 'AUTH_AUDIENCE', 'AUTH_JWKS_URL'] as const) {
        if (!config[name]) {
          context.addIssue({
            code: 'custom',
            path: [name],
            message: 'is required with the other AUTH_ISSUER/AUTH_AUDIENCE/AUTH_JWKS_URL settings',
          });
        }
      }
    }
    if (
      config.NODE_ENV === 'production' &&
      !config.AUTH_JWKS_URL &&
      config.AUTH_DEV_TOKENS !== true
    ) {
      context.addIssue({
        code: 'custom',
        path: ['AUTH_JWKS_URL'],
        message: 'is required when NODE_ENV=production (no other way to verify tokens)',
      });
    }
  });

export type GatewayConfig = Omit<z.infer<typeof gatewayConfigSchema>, 'AUTH_DEV_TOKENS'> & {
  AUTH_DEV_TOKENS: boolean;
};

export function loadGatewayConfig(source: Env = process.env): GatewayConfig {
  const config = loadConfig(gatewayConfigSchema, source, { secrets: ['AUTH_JWT_SECRET'] });
  return {
    ...config,
    AUTH_DEV_TOKENS: config.AUTH_DEV_TOKENS ?? config.NODE_ENV !== 'production',
  };
}

/** Injection token of the validated config, for providers that read settings. */
export const GATEWAY_CONFIG = Symbol('GatewayConfig');

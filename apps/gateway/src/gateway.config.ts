import { DEFAULT_PORTS, appConfig, devTokensOn, env, type Env } from '@app/config';
import { z } from 'zod';
import { registryEnv, upstreamUrls } from './registry/registry.config.js';

const gateway = appConfig(
  'gateway',
  {
    ORDER_URL: upstreamUrls(DEFAULT_PORTS.order),
    CREDIT_URL: upstreamUrls(DEFAULT_PORTS.credit),
    PAYMENT_URL: upstreamUrls(DEFAULT_PORTS.payment),
    SAGA_ORCHESTRATOR_URL: upstreamUrls(DEFAULT_PORTS['saga-orchestrator']),
    UPSTREAM_TIMEOUT_MS: env.positiveInt(5000),
    ...registryEnv(),
    /** Largest request body, as `100kb` or `1mb`; read as bytes. */
    BODY_LIMIT: z
      .string()
      .regex(/^\d+(b|kb|mb)$/i, { error: 'must be a size such as 100kb or 1mb' })
      .default('100kb')
      .transform(bytesOf),
    /** Open saga event streams one caller may hold on one gateway instance (429 beyond). */
    EVENT_STREAMS_PER_CALLER: env.positiveInt(5),
    /** Requests one client (address) may make to `/api` routes in a minute, per gateway instance. */
    RATE_LIMIT_PER_MINUTE: env.positiveInt(1200),
    /**
     * Where gateway instances share their rate-limit counters (redis:// or rediss://, credentials
     * in the URL: from a Secret). Unset: each instance counts in memory, its own budget.
     */
    RATE_LIMIT_REDIS_URL: env.url(['redis:', 'rediss:']).optional(),
    /** Proxies in front of the gateway (an ingress) whose X-Forwarded-For names the client. */
    TRUST_PROXY_HOPS: z.coerce
      .number({ error: 'must be a number' })
      .int({ error: 'must be a whole number' })
      .nonnegative({ error: 'must not be negative' })
      .default(0),
    /** The built web console, served at `/` (relative paths from the working directory). */
    CONSOLE_DIR: z.string().min(1).default('dist/apps/console'),
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
  },
  (config, context) => {
    if (config.NODE_ENV === 'production' && config.RATE_LIMIT_REDIS_URL?.startsWith('redis:')) {
      context.addIssue({
        code: 'custom',
        path: ['RATE_LIMIT_REDIS_URL'],
        message: 'must be rediss:// when NODE_ENV=production (TLS, like every other connection)',
      });
    }
    if (config.DISCOVERY_PROVIDER !== 'self-registration') return;
    if (config.DISCOVERY_REGISTRATION_TOKENS.size === 0) {
      context.addIssue({
        code: 'custom',
        path: ['DISCOVERY_REGISTRATION_TOKENS'],
        message: 'is required when DISCOVERY_PROVIDER=self-registration',
      });
    }
    if (
      config.NODE_ENV === 'production' &&
      config.DISCOVERY_REGISTRATION_ALLOWED_URLS.length === 0
    ) {
      context.addIssue({
        code: 'custom',
        path: ['DISCOVERY_REGISTRATION_ALLOWED_URLS'],
        message: 'is required when DISCOVERY_PROVIDER=self-registration in production',
      });
    }
  },
);

export const gatewayConfigSchema = gateway.schema;

export type GatewayConfig = Omit<z.infer<typeof gatewayConfigSchema>, 'AUTH_DEV_TOKENS'> & {
  AUTH_DEV_TOKENS: boolean;
};

export function loadGatewayConfig(source: Env = process.env): GatewayConfig {
  const config = gateway.load(source);
  return { ...config, AUTH_DEV_TOKENS: devTokensOn(config) };
}

/** Injection token of the validated config, for providers that read settings. */
export const GATEWAY_CONFIG = Symbol('GatewayConfig');

const UNIT_BYTES = { b: 1, kb: 1024, mb: 1024 * 1024 } as const;

/** `100kb` → 102400; the schema's pattern has already checked the form. */
function bytesOf(size: string): number {
  const [, digits = '0', unit = 'b'] = /^(\d+)(b|kb|mb)$/i.exec(size) ?? [];
  return Number(digits) * UNIT_BYTES[unit.toLowerCase() as keyof typeof UNIT_BYTES];
}

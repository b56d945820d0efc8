import { z } from 'zod';
import { env } from './env-fields.js';
import type { ServiceEnv } from './service.config.js';

/** Stands in for a real secret on a developer's machine only: production must set its own. */
const LOCAL_JWT_SECRET = 'sagaflow-local-dev-token-secret-not-for-production';

/** Marks every signing secret committed in this repository (the dev overlay, compose, tests). */
const COMMITTED_SECRET = /local-dev-only|not-for-production/;

const OIDC_SETTINGS = ['AUTH_ISSUER', 'AUTH_AUDIENCE', 'AUTH_JWKS_URL'] as const;

/**
 * How callers prove who they are. Every app reads the same settings: the gateway checks the token
 * at the door, and each service checks it again, so a request that goes around the gateway fails.
 */
export const identityEnv = () => ({
  /**
   * Dev tokens (HS256, signed by the gateway, minted by an open route); unset means on, except
   * when NODE_ENV=production, where they are refused: anyone could mint an admin token.
   */
  AUTH_DEV_TOKENS: z
    .enum(['true', 'false', '1', '0'], { error: 'must be true or false' })
    .transform((value) => value === 'true' || value === '1')
    .optional(),
  /**
   * Signs and verifies dev tokens; the same value in every app. Used only while dev tokens are on
   * (never in production), a local value standing in when unset: an OIDC-only set-up needs none.
   */
  AUTH_JWT_SECRET: z.string().min(32, { error: 'must be at least 32 characters' }).optional(),
  /** An OIDC issuer whose RS256 tokens are accepted; all three are set together. */
  AUTH_ISSUER: z.string().min(1).optional(),
  AUTH_AUDIENCE: z.string().min(1).optional(),
  AUTH_JWKS_URL: env.url(['https:', 'http:']).optional(),
});

export type IdentityEnv = z.infer<z.ZodObject<ReturnType<typeof identityEnv>>>;

/**
 * Identity variables production requires from a Secret: none. AUTH_JWT_SECRET serves dev tokens
 * only, which production refuses; its name alone keeps it out of error messages.
 */
export const IDENTITY_SECRETS: readonly string[] = [];

type IdentityConfig = IdentityEnv & Pick<ServiceEnv, 'NODE_ENV'>;

/** The OIDC settings come as a set, and production needs some way to verify a token. */
export function checkIdentityEnv(config: IdentityConfig, context: z.RefinementCtx): void {
  const given = OIDC_SETTINGS.filter((name) => config[name]);
  if (given.length > 0 && given.length < OIDC_SETTINGS.length) {
    for (const name of OIDC_SETTINGS.filter((setting) => !config[setting])) {
      context.addIssue({
        code: 'custom',
        path: [name],
        message: 'is required with the other AUTH_ISSUER/AUTH_AUDIENCE/AUTH_JWKS_URL settings',
      });
    }
  }
  if (config.NODE_ENV === 'production' && config.AUTH_DEV_TOKENS === true) {
    context.addIssue({
      code: 'custom',
      path: ['AUTH_DEV_TOKENS'],
      message:
        'must not be true when NODE_ENV=production: the open dev-token route would mint admin tokens for anyone',
    });
  }
  if (config.NODE_ENV === 'production' && config.AUTH_JWKS_URL?.startsWith('http:')) {
    context.addIssue({
      code: 'custom',
      path: ['AUTH_JWKS_URL'],
      message: 'must be https when NODE_ENV=production: keys fetched in clear text can be swapped',
    });
  }
  if (config.NODE_ENV === 'production' && COMMITTED_SECRET.test(config.AUTH_JWT_SECRET ?? '')) {
    context.addIssue({
      code: 'custom',
      path: ['AUTH_JWT_SECRET'],
      message: 'is a value committed in the repository; production needs its own',
    });
  }
  if (!config.AUTH_JWKS_URL && !devTokensOn(config)) {
    context.addIssue({
      code: 'custom',
      path: ['AUTH_JWKS_URL'],
      message: 'is required when dev tokens are off (no other way to verify tokens)',
    });
  }
}

export interface IdentitySettings {
  /** Set when dev tokens are on: the HS256 secret they are signed with. */
  devTokenSecret?: string;
  oidc?: { issuer: string; audience: string; jwksUrl: string };
}

export function identitySettingsOf(config: IdentityConfig): IdentitySettings {
  const { AUTH_ISSUER: issuer, AUTH_AUDIENCE: audience, AUTH_JWKS_URL: jwksUrl } = config;
  return {
    ...(devTokensOn(config) ? { devTokenSecret: devTokenSecretOf(config) } : {}),
    ...(issuer && audience && jwksUrl ? { oidc: { issuer, audience, jwksUrl } } : {}),
  };
}

/** The secret dev tokens are signed with: the configured one, or the local stand-in. */
export function devTokenSecretOf(config: Pick<IdentityEnv, 'AUTH_JWT_SECRET'>): string {
  return config.AUTH_JWT_SECRET ?? LOCAL_JWT_SECRET;
}

export function devTokensOn(config: IdentityConfig): boolean {
  if (config.NODE_ENV === 'production') return false;
  return config.AUTH_DEV_TOKENS ?? true;
}

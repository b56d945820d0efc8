import { describe, expect, it } from '@jest/globals';
import { z } from 'zod';
import {
  IDENTITY_SECRETS,
  checkIdentityEnv,
  identityEnv,
  identitySettingsOf,
} from './identity.config.js';
import { loadConfig } from './load-config.js';
import { serviceEnv } from './service.config.js';

const schema = z.object({ ...serviceEnv(3999), ...identityEnv() }).superRefine(checkIdentityEnv);
const load = (env: Record<string, string>) =>
  identitySettingsOf(loadConfig(schema, env, { secrets: IDENTITY_SECRETS }));

const OIDC = {
  AUTH_ISSUER: 'https://id.example',
  AUTH_AUDIENCE: 'sagaflow-api',
  AUTH_JWKS_URL: 'https://id.example/jwks',
};
const SECRET = 'a-production-secret-of-at-least-32-chars';

describe(identitySettingsOf.name, () => {
  it('verifies dev tokens with the local secret on a developer machine', () => {
    const settings = load({});
    expect(settings.devTokenSecret).toHaveLength(50);
    expect(settings.oidc).toBeUndefined();
  });

  it('verifies only the issuer’s tokens in production', () => {
    expect(load({ NODE_ENV: 'production', AUTH_JWT_SECRET: SECRET, ...OIDC })).toEqual({
      oidc: { issuer: OIDC.AUTH_ISSUER, audience: OIDC.AUTH_AUDIENCE, jwksUrl: OIDC.AUTH_JWKS_URL },
    });
  });

  it('needs no signing secret with an OIDC issuer only: dev tokens alone use it', () => {
    expect(load({ NODE_ENV: 'production', ...OIDC })).toEqual({
      oidc: { issuer: OIDC.AUTH_ISSUER, audience: OIDC.AUTH_AUDIENCE, jwksUrl: OIDC.AUTH_JWKS_URL },
    });
    expect(load({ AUTH_DEV_TOKENS: 'false', ...OIDC }).devTokenSecret).toBeUndefined();
    expect(load({ AUTH_JWT_SECRET: SECRET }).devTokenSecret).toBe(SECRET);
  });

  it('refuses dev tokens in production: the open route would mint admin tokens for anyone', () => {
    expect(() =>
      load({ NODE_ENV: 'production', AUTH_JWT_SECRET: SECRET, AUTH_DEV_TOKENS: 'true', ...OIDC }),
    ).toThrow('AUTH_DEV_TOKENS: must not be true when NODE_ENV=production');
  });

  it('fetches the issuer’s keys over https only in production', () => {
    const plain = { ...OIDC, AUTH_JWKS_URL: 'http://id.example/jwks' };
    expect(load({ ...plain, AUTH_DEV_TOKENS: 'false' }).oidc?.jwksUrl).toBe(plain.AUTH_JWKS_URL);
    expect(() => load({ NODE_ENV: 'production', AUTH_JWT_SECRET: SECRET, ...plain })).toThrow(
      'AUTH_JWKS_URL: must be https when NODE_ENV=production',
    );
  });

  it('refuses in production a signing secret committed in the repository', () => {
    for (const committed of [
      'local-dev-only-token-signing-secret-shared-by-every-app',
      'sagaflow-local-dev-token-secret-not-for-production',
    ]) {
      expect(() => load({ NODE_ENV: 'production', AUTH_JWT_SECRET: committed, ...OIDC })).toThrow(
        'AUTH_JWT_SECRET: is a value committed in the repository',
      );
    }
  });

  it('refuses a set-up that could verify no token at all', () => {
    expect(() => load({ AUTH_DEV_TOKENS: 'false' })).toThrow(
      'AUTH_JWKS_URL: is required when dev tokens are off',
    );
  });

  it('needs the issuer, audience and JWKS URL together', () => {
    expect(() => load({ AUTH_ISSUER: OIDC.AUTH_ISSUER })).toThrow(
      'AUTH_AUDIENCE: is required with the other AUTH_ISSUER/AUTH_AUDIENCE/AUTH_JWKS_URL settings; AUTH_JWKS_URL: is required with',
    );
  });
});

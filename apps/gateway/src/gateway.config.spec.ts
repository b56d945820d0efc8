import { describe, expect, it } from '@jest/globals';
import { loadGatewayConfig } from './gateway.config.js';

const SECRET = 'a-production-secret-of-at-least-32-chars';
const OIDC = {
  AUTH_ISSUER: 'https://id.example',
  AUTH_AUDIENCE: 'sagaflow',
  AUTH_JWKS_URL: 'https://id.example/jwks',
};

describe(loadGatewayConfig.name, () => {
  it('runs locally with dev tokens and the services on their default ports', () => {
    const config = loadGatewayConfig({});
    expect(config).toMatchObject({
      AUTH_DEV_TOKENS: true,
      ORDER_URL: 'http://127.0.0.1:3002',
      SAGA_ORCHESTRATOR_URL: 'http://127.0.0.1:3001',
      BODY_LIMIT: 100 * 1024,
      CORS_ORIGINS: [],
      RATE_LIMIT_PER_MINUTE: 1200,
      TRUST_PROXY_HOPS: 0,
    });
  });

  it('reads the body limit as bytes', () => {
    expect(loadGatewayConfig({ BODY_LIMIT: '1MB' }).BODY_LIMIT).toBe(1024 * 1024);
    expect(loadGatewayConfig({ BODY_LIMIT: '512b' }).BODY_LIMIT).toBe(512);
    expect(() => loadGatewayConfig({ BODY_LIMIT: '1gb' })).toThrow(
      'BODY_LIMIT: must be a size such as 100kb or 1mb',
    );
  });

  it('turns dev tokens off in production, and refuses to turn them on there', () => {
    const env = { NODE_ENV: 'production', AUTH_JWT_SECRET: SECRET, ...OIDC };
    expect(loadGatewayConfig(env).AUTH_DEV_TOKENS).toBe(false);
    expect(() => loadGatewayConfig({ ...env, AUTH_DEV_TOKENS: 'true' })).toThrow(
      'AUTH_DEV_TOKENS: must not be true when NODE_ENV=production',
    );
  });

  it('requires an issuer to verify tokens in production, and no dev-token secret', () => {
    expect(() => loadGatewayConfig({ NODE_ENV: 'production' })).toThrow(
      /^Invalid configuration: AUTH_JWKS_URL: is required when dev tokens are off/,
    );
    expect(loadGatewayConfig({ NODE_ENV: 'production', ...OIDC }).AUTH_JWT_SECRET).toBeUndefined();
  });

  it('needs the issuer, audience and JWKS URL together', () => {
    expect(() => loadGatewayConfig({ AUTH_JWKS_URL: OIDC.AUTH_JWKS_URL })).toThrow(
      'AUTH_ISSUER: is required with',
    );
  });

  it('splits the CORS origins and refuses one that is not a URL', () => {
    const origins = 'https://a.example, https://b.example';
    expect(loadGatewayConfig({ CORS_ORIGINS: origins }).CORS_ORIGINS).toEqual([
      'https://a.example',
      'https://b.example',
    ]);
    expect(() => loadGatewayConfig({ CORS_ORIGINS: 'not an origin' })).toThrow('CORS_ORIGINS');
  });

  it('shares rate-limit counters in Redis only when told to, over TLS in production', () => {
    expect(loadGatewayConfig({}).RATE_LIMIT_REDIS_URL).toBeUndefined();
    const url = 'redis://:hunter2@redis.internal:6379';
    expect(loadGatewayConfig({ RATE_LIMIT_REDIS_URL: url }).RATE_LIMIT_REDIS_URL).toBe(url);
    const production = { NODE_ENV: 'production', ...OIDC, RATE_LIMIT_REDIS_URL: url };
    expect(() => loadGatewayConfig(production)).toThrow(
      'RATE_LIMIT_REDIS_URL: must be rediss:// when NODE_ENV=production',
    );
    const tls = { ...production, RATE_LIMIT_REDIS_URL: url.replace('redis:', 'rediss:') };
    expect(loadGatewayConfig(tls).RATE_LIMIT_REDIS_URL).toBe(tls.RATE_LIMIT_REDIS_URL);
    expect(() => loadGatewayConfig({ RATE_LIMIT_REDIS_URL: 'http://:hunter2@x' })).toThrow(
      /^Invalid configuration: RATE_LIMIT_REDIS_URL: must be a URL starting with redis:\/\/ or rediss:\/\/$/,
    );
  });

  it('never echoes a secret it rejects', () => {
    expect(() => loadGatewayConfig({ AUTH_JWT_SECRET: 'short' })).toThrow(
      /^Invalid configuration: AUTH_JWT_SECRET: must be at least 32 characters$/,
    );
  });
});

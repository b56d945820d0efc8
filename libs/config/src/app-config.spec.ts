import { describe, expect, it } from '@jest/globals';
import { appConfig, migrationConfig } from './app-config.js';
import { DEFAULT_PORTS } from './default-ports.js';
import { env } from './env-fields.js';

describe(appConfig.name, () => {
  it('gives a data-owning app the shared sections, its port and role, and what is its own', () => {
    const credit = appConfig('credit', { CREDIT_LIMIT: env.positiveInt(7) });
    expect(credit.load({})).toMatchObject({
      PORT: DEFAULT_PORTS.credit,
      DATABASE_URL: 'postgres://sagaflow_credit@127.0.0.1:5432/sagaflow',
      AMQP_URL: 'amqp://guest:guest@127.0.0.1:5672',
      CREDIT_LIMIT: 7,
    });
  });

  it('requires the database and broker secrets of a data-owning app in production', () => {
    expect(() => appConfig('order', {}).load({ NODE_ENV: 'production' })).toThrow(
      'DATABASE_URL is required when NODE_ENV=production; AMQP_URL is required when NODE_ENV=production',
    );
  });

  it('gives the gateway no database or broker, nor their secrets', () => {
    const gateway = appConfig('gateway', {});
    expect(Object.keys(gateway.schema.shape)).not.toContain('DATABASE_URL');
    expect(Object.keys(gateway.schema.shape)).not.toContain('AMQP_URL');
    expect(() => gateway.load({ NODE_ENV: 'production' })).not.toThrow(/(DATABASE|AMQP)_URL/);
  });

  it('runs the identity check and then the app’s own', () => {
    const app = appConfig('payment', { A_MS: env.milliseconds(1) }, (config, context) => {
      if (config.A_MS > 5)
        context.addIssue({ code: 'custom', path: ['A_MS'], message: 'too long' });
    });
    expect(() => app.load({ A_MS: '9', AUTH_ISSUER: 'https://id.example' })).toThrow(
      'AUTH_AUDIENCE: is required with',
    );
    expect(() => app.load({ A_MS: '9' })).toThrow('A_MS: too long');
  });
});

describe(migrationConfig.name, () => {
  const production = {
    NODE_ENV: 'production',
    DATABASE_URL: 'postgres://sagaflow_order:secret@postgres:5432/sagaflow?sslmode=verify-full',
  };

  it('loads in production without AMQP_URL or identity settings: migrating never uses them', () => {
    expect(() => appConfig('order', {}).load(production)).toThrow(/AMQP_URL/);
    const config = migrationConfig('order').load(production);
    expect(config).toMatchObject({ NODE_ENV: 'production', DATABASE_URL: production.DATABASE_URL });
    expect(Object.keys(migrationConfig('order').schema.shape)).not.toContain('AMQP_URL');
  });

  it('fails fast in production without a database URL, or with one not verifying TLS', () => {
    expect(() => migrationConfig('credit').load({ NODE_ENV: 'production' })).toThrow(
      'DATABASE_URL is required when NODE_ENV=production',
    );
    expect(() =>
      migrationConfig('credit').load({
        ...production,
        DATABASE_ADMIN_URL: 'postgres://postgres:secret@postgres:5432/postgres',
      }),
    ).toThrow('DATABASE_ADMIN_URL must use sslmode=verify-full when NODE_ENV=production');
  });

  it('defaults locally to the app’s own role and port, as the app does', () => {
    expect(migrationConfig('payment').load({})).toMatchObject({
      PORT: DEFAULT_PORTS.payment,
      DATABASE_URL: 'postgres://sagaflow_payment@127.0.0.1:5432/sagaflow',
    });
  });
});

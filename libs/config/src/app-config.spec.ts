import { describe, expect, it } from '@jest/globals';
import { appConfig } from './app-config.js';
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

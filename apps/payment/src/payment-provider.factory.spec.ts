import { describe, expect, it } from '@jest/globals';
import { paymentProviderOf } from './payment-provider.factory.js';
import { loadPaymentConfig } from './payment.config.js';
import { PaymentSimulatorProvider } from './payment-simulator.provider.js';

const PRODUCTION_SECRETS = {
  NODE_ENV: 'production',
  DATABASE_URL: 'postgres://sagaflow_payment:pw@db/sagaflow?sslmode=verify-full',
  AMQP_URL: 'amqps://payment:pw@rabbitmq:5671',
  AUTH_ISSUER: 'https://id.example',
  AUTH_AUDIENCE: 'sagaflow-api',
  AUTH_JWKS_URL: 'https://id.example/jwks',
  AUTH_DEV_TOKENS: 'false',
  AUTH_JWT_SECRET: 'x'.repeat(40),
};

describe(paymentProviderOf.name, () => {
  it('runs the simulator on a developer machine', () => {
    expect(paymentProviderOf(loadPaymentConfig({}))).toBeInstanceOf(PaymentSimulatorProvider);
  });

  it('refuses the simulator in production: it would approve orders without charging anyone', () => {
    expect(() => paymentProviderOf(loadPaymentConfig(PRODUCTION_SECRETS))).toThrow(
      /PAYMENT_PROVIDER: .*refused when NODE_ENV=production/,
    );
  });

  it('runs the simulator in production only when explicitly allowed', () => {
    const config = loadPaymentConfig({
      ...PRODUCTION_SECRETS,
      PAYMENT_SIMULATOR_IN_PRODUCTION: 'true',
    });
    expect(paymentProviderOf(config)).toBeInstanceOf(PaymentSimulatorProvider);
  });
});

import { appConfig, env, type Env } from '@app/config';
import type { z } from 'zod';

const payment = appConfig(
  'payment',
  {
    /**
     * Who charges cards. Only the simulator ships; a real provider adds its name here and its
     * class in payment-provider.factory.ts.
     */
    PAYMENT_PROVIDER: env.oneOf(['simulator'], 'simulator'),
    /**
     * The simulator approves `tok_approve` without charging anyone: in production it runs only
     * when this says so (a staging cluster, a load test), never by default.
     */
    PAYMENT_SIMULATOR_IN_PRODUCTION: env.boolean(false),
    /** Charges the simulator remembers (for idempotent repeats) before it forgets the oldest. */
    PAYMENT_SIMULATOR_MAX_REMEMBERED: env.positiveInt(10_000),
    /** How long the simulator sits on a `tok_slow` charge: longer than the saga's step timeout. */
    PAYMENT_SIMULATOR_SLOW_MS: env.milliseconds(15_000),
    /** A provider call that has not answered by then counts as unavailable and is asked again. */
    PAYMENT_PROVIDER_TIMEOUT_MS: env.milliseconds(8000),
    /**
     * How long an instance owns a payment it settles; after a crash, another takes it then. Keep
     * it (and the provider timeout) well inside the saga's charge deadline (10 s x 2 attempts):
     * a settlement taken over later than that makes the saga cancel a valid charge.
     */
    PAYMENT_SETTLE_LEASE_MS: env.milliseconds(10_000),
    /** How often each instance looks for payments whose settlement is due. */
    PAYMENT_SETTLE_INTERVAL_MS: env.milliseconds(1000),
  },
  (config, context) => {
    if (config.PAYMENT_SETTLE_LEASE_MS <= config.PAYMENT_PROVIDER_TIMEOUT_MS) {
      context.addIssue({
        code: 'custom',
        path: ['PAYMENT_SETTLE_LEASE_MS'],
        message: `must be longer than PAYMENT_PROVIDER_TIMEOUT_MS (${config.PAYMENT_PROVIDER_TIMEOUT_MS}), or two instances may call the provider at once`,
      });
    }
  },
);

export const paymentConfigSchema = payment.schema;

export type PaymentConfig = z.infer<typeof paymentConfigSchema>;

export function loadPaymentConfig(vars: Env = process.env): PaymentConfig {
  return payment.load(vars);
}

import {
  BROKER_SECRETS,
  BROKER_TEST_ONLY,
  DATABASE_SECRETS,
  IDENTITY_SECRETS,
  brokerEnv,
  checkIdentityEnv,
  databaseEnv,
  identityEnv,
  env,
  loadConfig,
  serviceEnv,
  type Env,
} from '@app/config';
import { z } from 'zod';

export const paymentConfigSchema = z
  .object({
    ...serviceEnv(3004),
    ...databaseEnv('sagaflow_payment'),
    ...brokerEnv(),
    ...identityEnv(),
    /** How long the simulator sits on a `tok_slow` charge: longer than the saga's step timeout. */
    PAYMENT_SIMULATOR_SLOW_MS: env.milliseconds(15_000),
  })
  .superRefine(checkIdentityEnv);

export type PaymentConfig = z.infer<typeof paymentConfigSchema>;

export function loadPaymentConfig(env: Env = process.env): PaymentConfig {
  return loadConfig(paymentConfigSchema, env, {
    secrets: [...DATABASE_SECRETS, ...BROKER_SECRETS, ...IDENTITY_SECRETS],
    testOnly: BROKER_TEST_ONLY,
  });
}

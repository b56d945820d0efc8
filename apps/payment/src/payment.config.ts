import {
  BROKER_SECRETS,
  DATABASE_SECRETS,
  brokerEnv,
  databaseEnv,
  loadConfig,
  serviceEnv,
  type Env,
} from '@app/config';
import { z } from 'zod';

export const paymentConfigSchema = z.object({
  ...serviceEnv(3004),
  ...databaseEnv('sagaflow_payment'),
  ...brokerEnv(),
});

export type PaymentConfig = z.infer<typeof paymentConfigSchema>;

export function loadPaymentConfig(env: Env = process.env): PaymentConfig {
  return loadConfig(paymentConfigSchema, env, {
    secrets: [...DATABASE_SECRETS, ...BROKER_SECRETS],
  });
}

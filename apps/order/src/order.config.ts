import {
  BROKER_SECRETS,
  BROKER_TEST_ONLY,
  DATABASE_SECRETS,
  IDENTITY_SECRETS,
  brokerEnv,
  checkIdentityEnv,
  databaseEnv,
  env,
  identityEnv,
  loadConfig,
  serviceEnv,
  type Env,
} from '@app/config';
import { z } from 'zod';

export const orderConfigSchema = z
  .object({
    ...serviceEnv(3002),
    ...databaseEnv('sagaflow_order'),
    ...brokerEnv(),
    ...identityEnv(),
    /** How long after approval a customer may cancel an order (default: 14 days). */
    ORDER_CANCEL_WINDOW_MS: env.positiveInt(14 * 86_400_000),
  })
  .superRefine(checkIdentityEnv);

export type OrderConfig = z.infer<typeof orderConfigSchema>;

export function loadOrderConfig(env: Env = process.env): OrderConfig {
  return loadConfig(orderConfigSchema, env, {
    secrets: [...DATABASE_SECRETS, ...BROKER_SECRETS, ...IDENTITY_SECRETS],
    testOnly: BROKER_TEST_ONLY,
  });
}

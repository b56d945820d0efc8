import {
  BROKER_SECRETS,
  BROKER_TEST_ONLY,
  DATABASE_SECRETS,
  IDENTITY_SECRETS,
  brokerEnv,
  checkIdentityEnv,
  databaseEnv,
  identityEnv,
  loadConfig,
  serviceEnv,
  type Env,
} from '@app/config';
import { z } from 'zod';

export const creditConfigSchema = z
  .object({
    ...serviceEnv(3003),
    ...databaseEnv('sagaflow_credit'),
    ...brokerEnv(),
    ...identityEnv(),
  })
  .superRefine(checkIdentityEnv);

export type CreditConfig = z.infer<typeof creditConfigSchema>;

export function loadCreditConfig(env: Env = process.env): CreditConfig {
  return loadConfig(creditConfigSchema, env, {
    secrets: [...DATABASE_SECRETS, ...BROKER_SECRETS, ...IDENTITY_SECRETS],
    testOnly: BROKER_TEST_ONLY,
  });
}

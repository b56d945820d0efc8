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

export const sagaOrchestratorConfigSchema = z.object({
  ...serviceEnv(3001),
  ...databaseEnv('sagaflow_orchestrator'),
  ...brokerEnv(),
});

export type SagaOrchestratorConfig = z.infer<typeof sagaOrchestratorConfigSchema>;

export function loadSagaOrchestratorConfig(env: Env = process.env): SagaOrchestratorConfig {
  return loadConfig(sagaOrchestratorConfigSchema, env, {
    secrets: [...DATABASE_SECRETS, ...BROKER_SECRETS],
  });
}

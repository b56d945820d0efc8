import { loadConfig, serviceEnv, type Env } from '@app/config';
import { z } from 'zod';

export const gatewayConfigSchema = z.object({
  ...serviceEnv(3000),
});

export type GatewayConfig = z.infer<typeof gatewayConfigSchema>;

export function loadGatewayConfig(env: Env = process.env): GatewayConfig {
  return loadConfig(gatewayConfigSchema, env);
}

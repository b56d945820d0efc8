import type { z } from 'zod';
import { creditConfigSchema } from '../../apps/credit/src/credit.config.js';
import { gatewayConfigSchema } from '../../apps/gateway/src/gateway.config.js';
import { orderConfigSchema } from '../../apps/order/src/order.config.js';
import { paymentConfigSchema } from '../../apps/payment/src/payment.config.js';
import { sagaOrchestratorConfigSchema } from '../../apps/saga-orchestrator/src/saga-orchestrator.config.js';

/** The five apps as the deployment sees them, derived from their own config schemas. */
export interface DeployedApp {
  name: string;
  schema: z.ZodObject;
  /** Every environment variable the app reads. */
  variables: string[];
  port: number;
  ownsData: boolean;
  /** The PostgreSQL role of its default DATABASE_URL. */
  role?: string;
  autoscaled: boolean;
}

function app(name: string, schema: z.ZodObject, autoscaled: boolean): DeployedApp {
  const defaults = schema.parse({}) as { PORT: number; DATABASE_URL?: string };
  return {
    name,
    schema,
    variables: Object.keys(schema.shape),
    port: defaults.PORT,
    ownsData: defaults.DATABASE_URL !== undefined,
    role: defaults.DATABASE_URL ? new URL(defaults.DATABASE_URL).username : undefined,
    autoscaled,
  };
}

export const APPS: DeployedApp[] = [
  app('gateway', gatewayConfigSchema, true),
  app('saga-orchestrator', sagaOrchestratorConfigSchema, false),
  app('order', orderConfigSchema, true),
  app('credit', creditConfigSchema, true),
  app('payment', paymentConfigSchema, true),
];

/** Variables that hold secrets: from Secrets only, never from a ConfigMap or a literal. */
export const SECRET_VARIABLES = ['DATABASE_URL', 'AMQP_URL', 'DATABASE_ADMIN_URL'];

import type { z } from 'zod';
import type { Env } from '@app/config';
import { creditConfigSchema, loadCreditConfig } from '../../apps/credit/src/credit.config.js';
import { gatewayConfigSchema, loadGatewayConfig } from '../../apps/gateway/src/gateway.config.js';
import { loadOrderConfig, orderConfigSchema } from '../../apps/order/src/order.config.js';
import { loadPaymentConfig, paymentConfigSchema } from '../../apps/payment/src/payment.config.js';
import {
  loadSagaOrchestratorConfig,
  sagaOrchestratorConfigSchema,
} from '../../apps/saga-orchestrator/src/saga-orchestrator.config.js';

/** The five apps as the deployment sees them, derived from their own config schemas. */
export interface DeployedApp {
  name: string;
  schema: z.ZodObject;
  /** The app's own config loader, as main.js calls it (also for `main.js migrate`). */
  load: (env: Env) => unknown;
  /** Every environment variable the app reads. */
  variables: string[];
  port: number;
  ownsData: boolean;
  /** The PostgreSQL role of its default DATABASE_URL. */
  role?: string;
  autoscaled: boolean;
}

function app(
  name: string,
  schema: z.ZodObject,
  load: (env: Env) => unknown,
  autoscaled: boolean,
): DeployedApp {
  const defaults = schema.parse({}) as { PORT: number; DATABASE_URL?: string };
  return {
    name,
    schema,
    load,
    variables: Object.keys(schema.shape),
    port: defaults.PORT,
    ownsData: defaults.DATABASE_URL !== undefined,
    role: defaults.DATABASE_URL ? new URL(defaults.DATABASE_URL).username : undefined,
    autoscaled,
  };
}

export const APPS: DeployedApp[] = [
  app('gateway', gatewayConfigSchema, loadGatewayConfig, true),
  app('saga-orchestrator', sagaOrchestratorConfigSchema, loadSagaOrchestratorConfig, false),
  app('order', orderConfigSchema, loadOrderConfig, true),
  app('credit', creditConfigSchema, loadCreditConfig, true),
  app('payment', paymentConfigSchema, loadPaymentConfig, true),
];

/** Variables that hold secrets: from Secrets only, never from a ConfigMap or a literal. */
export const SECRET_VARIABLES = ['DATABASE_URL', 'AMQP_URL', 'DATABASE_ADMIN_URL'];

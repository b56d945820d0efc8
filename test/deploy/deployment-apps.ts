import type { z } from 'zod';
import { ConfigError, migrationConfig, type DataApp, type Env } from '@app/config';
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
  /** The loader of `main.js migrate` (its migration Job) and what it reads: data-owning apps only. */
  migration?: { load: (env: Env) => unknown; variables: string[] };
  /** The variables its loader treats as secrets (required when NODE_ENV=production). */
  secrets: string[];
  port: number;
  ownsData: boolean;
  /** The PostgreSQL role of its default DATABASE_URL. */
  role?: string;
  autoscaled: boolean;
}

/** Asks the app's own loader which secrets production requires, so a new one cannot be missed. */
function secretsOf(load: (env: Env) => unknown): string[] {
  try {
    load({ NODE_ENV: 'production' });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return error.problems.flatMap(
      (problem) => /^(\w+) is required when NODE_ENV=production$/.exec(problem)?.[1] ?? [],
    );
  }
  return [];
}

function app(
  name: string,
  schema: z.ZodObject,
  load: (env: Env) => unknown,
  autoscaled: boolean,
): DeployedApp {
  const defaults = schema.parse({}) as { PORT: number; DATABASE_URL?: string };
  const migration = defaults.DATABASE_URL ? migrationConfig(name as DataApp) : undefined;
  return {
    name,
    schema,
    load,
    variables: Object.keys(schema.shape),
    migration: migration && {
      load: migration.load,
      variables: Object.keys(migration.schema.shape),
    },
    secrets: secretsOf(load),
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
export const SECRET_VARIABLES = [
  ...new Set([...APPS.flatMap((deployed) => deployed.secrets), 'DATABASE_ADMIN_URL']),
];

import { z } from 'zod';
import { IDENTITY_SECRETS, checkIdentityEnv, identityEnv } from './identity.config.js';
import { DEFAULT_PORTS, type AppName, type DataApp } from './default-ports.js';
import { loadConfig, type Env } from './load-config.js';
import {
  BROKER_SECRETS,
  BROKER_TEST_ONLY,
  DATABASE_SECRETS,
  brokerEnv,
  databaseEnv,
  serviceEnv,
} from './service.config.js';

/** Each data-owning app's PostgreSQL role in its default DATABASE_URL. */
const DATABASE_ROLES: Record<DataApp, string> = {
  'saga-orchestrator': 'sagaflow_orchestrator',
  order: 'sagaflow_order',
  credit: 'sagaflow_credit',
  payment: 'sagaflow_payment',
};

const gatewaySections = () => ({ ...serviceEnv(DEFAULT_PORTS.gateway), ...identityEnv() });
const dataAppSections = (app: DataApp) => ({
  ...serviceEnv(DEFAULT_PORTS[app]),
  ...databaseEnv(DATABASE_ROLES[app]),
  ...brokerEnv(),
  ...identityEnv(),
});

/** What `main.js migrate` reads: how it runs and logs, and the database; no broker, no identity. */
const migrationSections = (app: DataApp) => ({
  ...serviceEnv(DEFAULT_PORTS[app]),
  ...databaseEnv(DATABASE_ROLES[app]),
});

type GatewaySections = ReturnType<typeof gatewaySections>;
type DataAppSections = ReturnType<typeof dataAppSections>;

/** A cross-field rule of the app's own, run after the shared ones. */
export type ConfigCheck<T> = (config: T, context: z.RefinementCtx<T>) => void;

export interface AppConfig<S extends z.ZodObject> {
  /** Every variable the app reads, the shared sections and its own. */
  schema: S;
  /** Parses the environment: secrets never echoed and required in production, test-only ones refused. */
  load: (env?: Env) => z.infer<S>;
}

/**
 * An app's config: the sections it shares with the other apps (service, identity, and for the
 * data-owning apps database and broker), their checks, secrets and test-only variables, plus
 * what is its own. Adding a shared setting or secret is done here, once.
 */
export function appConfig<Own extends z.ZodRawShape>(
  app: 'gateway',
  own: Own,
  check?: ConfigCheck<z.infer<z.ZodObject<GatewaySections & Own>>>,
): AppConfig<z.ZodObject<GatewaySections & Own>>;
export function appConfig<Own extends z.ZodRawShape>(
  app: DataApp,
  own: Own,
  check?: ConfigCheck<z.infer<z.ZodObject<DataAppSections & Own>>>,
): AppConfig<z.ZodObject<DataAppSections & Own>>;
export function appConfig(
  app: AppName,
  own: z.ZodRawShape,
  check?: ConfigCheck<Record<string, unknown>>,
): AppConfig<z.ZodObject> {
  const ownsData = app !== 'gateway';
  const shared = ownsData ? dataAppSections(app) : gatewaySections();
  type Loose = ConfigCheck<z.infer<z.ZodObject>>;
  let schema: z.ZodObject = z.object({ ...shared, ...own });
  schema = schema.superRefine(checkIdentityEnv as unknown as Loose);
  if (check) schema = schema.superRefine(check);
  const secrets = ownsData
    ? [...DATABASE_SECRETS, ...BROKER_SECRETS, ...IDENTITY_SECRETS]
    : [...IDENTITY_SECRETS];
  const testOnly = ownsData ? BROKER_TEST_ONLY : [];
  return { schema, load: (env = process.env) => loadConfig(schema, env, { secrets, testOnly }) };
}

export type MigrationConfig = z.infer<z.ZodObject<ReturnType<typeof migrationSections>>>;

/**
 * The config of a data-owning app's `main.js migrate` (its Kubernetes migration Job): the
 * database settings and the production checks on them (DATABASE_URL required, verify-full), and
 * nothing it does not use, so the Job is given no broker credentials or token settings.
 */
export function migrationConfig(
  app: DataApp,
): AppConfig<z.ZodObject<ReturnType<typeof migrationSections>>> {
  const schema = z.object(migrationSections(app));
  return {
    schema,
    load: (env = process.env) => loadConfig(schema, env, { secrets: DATABASE_SECRETS }),
  };
}

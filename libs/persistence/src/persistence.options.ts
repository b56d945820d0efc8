import type { MixedList } from 'typeorm';

export interface PersistenceOptions {
  /** The app's own connection (its own role). */
  url: string;
  /** When set, the database, role and schema are created from this connection at start-up. */
  adminUrl?: string;
  schema: string;
  poolSize: number;
  /** Run pending migrations at start-up (local default); in Kubernetes a Job runs them instead. */
  migrationsRun: boolean;
  // TypeORM takes classes here; a bundled app cannot load them from glob paths.
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  entities: MixedList<Function>;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  migrations: MixedList<Function>;
  healthCheckTimeoutMs: number;
  applicationName: string;
}

export const PERSISTENCE_OPTIONS = Symbol('PERSISTENCE_OPTIONS');

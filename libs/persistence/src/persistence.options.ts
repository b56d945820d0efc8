import type { MixedList } from 'typeorm';

export interface PersistenceOptions {
  /** The app's own connection (its own role). */
  url: string;
  /** When set, the database, role and schema are created from this connection at start-up. */
  adminUrl?: string;
  schema: string;
  poolSize: number;
  /** How long a query waits for a free pooled connection before it fails; 3 s by default. */
  connectionTimeoutMs?: number;
  /**
   * How long a statement waits for a lock before it fails with `55P03` (PostgreSQL's
   * `lock_timeout`, set on every connection): a lock wait ends, and the message transport
   * retries it instead of holding a connection without end. 5 s by default; 0 waits forever.
   */
  lockTimeoutMs?: number;
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

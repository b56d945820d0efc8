import { Logger } from '@nestjs/common';
import pg from 'pg';

export interface DatabaseBootstrapOptions {
  /** A superuser (or CREATEROLE + CREATEDB) connection. */
  adminUrl: string;
  /** The app's own connection: its user becomes the role, its database is created if missing. */
  appUrl: string;
  /** The one schema the role owns and may use. */
  schema: string;
}

const logger = new Logger('DatabaseBootstrap');
const DUPLICATE_DATABASE = '42P04';
const UNIQUE_VIOLATION = '23505';

/**
 * Creates the app's database, role and schema if they are missing, idempotently and safely when
 * several apps start at once. The role owns its schema and has no rights on any other.
 */
export async function bootstrapDatabase(options: DatabaseBootstrapOptions): Promise<void> {
  const app = new URL(options.appUrl);
  const database = decodeURIComponent(app.pathname.slice(1));
  const role = decodeURIComponent(app.username);
  const password = decodeURIComponent(app.password);
  if (!database || !role) throw new Error('DATABASE_URL must name a user and a database');

  await createDatabaseIfMissing(options.adminUrl, database);
  await withClient(urlWithDatabase(options.adminUrl, database), async (client) => {
    // Serialise concurrent bootstraps: CREATE ROLE and GRANT race otherwise.
    await client.query(`SELECT pg_advisory_lock(hashtext('sagaflow.bootstrap'))`);
    try {
      await ensureRole(client, role, password, options.schema);
      const r = client.escapeIdentifier(role);
      const s = client.escapeIdentifier(options.schema);
      const d = client.escapeIdentifier(database);
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${s} AUTHORIZATION ${r}`);
      await client.query(`ALTER SCHEMA ${s} OWNER TO ${r}`);
      await client.query(`REVOKE ALL ON DATABASE ${d} FROM PUBLIC`);
      await client.query(`GRANT CONNECT, TEMPORARY ON DATABASE ${d} TO ${r}`);
    } finally {
      await client.query(`SELECT pg_advisory_unlock(hashtext('sagaflow.bootstrap'))`);
    }
  });
  logger.log(`Database "${database}", role "${role}" and schema "${options.schema}" are in place`);
}

async function ensureRole(client: pg.Client, role: string, password: string, schema: string) {
  const r = client.escapeIdentifier(role);
  const exists = await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [role]);
  if (exists.rowCount === 0) await client.query(`CREATE ROLE ${r} LOGIN`);
  // A role that owns one schema needs nothing else: no superuser, no CREATEDB, no CREATEROLE.
  await client.query(`ALTER ROLE ${r} NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT LOGIN`);
  if (password) await client.query(`ALTER ROLE ${r} PASSWORD ${client.escapeLiteral(password)}`);
  await client.query(`ALTER ROLE ${r} SET search_path = ${client.escapeIdentifier(schema)}`);
}

async function createDatabaseIfMissing(adminUrl: string, database: string): Promise<void> {
  await withClient(urlWithDatabase(adminUrl, 'postgres'), async (client) => {
    const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (exists.rowCount !== 0) return;
    try {
      await client.query(`CREATE DATABASE ${client.escapeIdentifier(database)}`);
    } catch (error) {
      // Another app created it between our check and our CREATE.
      const code = (error as { code?: string }).code;
      if (code !== DUPLICATE_DATABASE && code !== UNIQUE_VIOLATION) throw error;
    }
  });
}

async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

function urlWithDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${encodeURIComponent(database)}`;
  return parsed.toString();
}

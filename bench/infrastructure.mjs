// The machine's PostgreSQL and RabbitMQ, as the bench uses them: scratch databases of its own,
// the backends that serve them (for CPU accounting) and the versions for the report.
import { connect } from 'amqplib';
import pg from 'pg';

export const AMQP_URL = process.env.AMQP_URL || 'amqp://guest:guest@127.0.0.1:5672';
export const POSTGRES_HOST = '127.0.0.1:5432';
/** Marks the bench's own connections, so their backends are not counted as the system's work. */
export const BENCH_APPLICATION_NAME = 'sagaflow-bench';

export const postgresUrl = (database, role = 'postgres') =>
  `postgres://${role}@${POSTGRES_HOST}/${database}`;

/** amqplib leaves Nagle's algorithm on unless asked; it would add ~40 ms to every hop. */
export const connectBroker = () => connect(AMQP_URL, { noDelay: true });

/** A superuser client on `database`, tagged as the bench's; the caller ends it. */
export async function adminClient(database = 'postgres') {
  const client = new pg.Client({
    connectionString: postgresUrl(database),
    application_name: BENCH_APPLICATION_NAME,
  });
  await client.connect();
  return client;
}

async function onServer(work) {
  const client = await adminClient();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export const dropDatabase = (name) =>
  onServer((client) =>
    client.query(`DROP DATABASE IF EXISTS ${client.escapeIdentifier(name)} WITH (FORCE)`),
  );

/** Starts every run from an empty database, so earlier runs' rows and bloat do not count. */
export async function recreateDatabase(name) {
  await dropDatabase(name);
  await onServer((client) => client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`));
}

/**
 * The PostgreSQL processes doing a database's work: its client backends (not the bench's own)
 * and the server's background processes (WAL writer, checkpointer: shared with whatever else runs).
 */
export async function postgresPidsFor(client, databases) {
  const { rows } = await client.query(
    `SELECT pid FROM pg_stat_activity
      WHERE (backend_type = 'client backend' AND datname = ANY($1) AND application_name <> $2)
         OR (backend_type <> 'client backend' AND (datname IS NULL OR datname = ANY($1)))`,
    [databases, BENCH_APPLICATION_NAME],
  );
  return rows.map((row) => row.pid);
}

export async function versions() {
  const postgres = await onServer(
    async (client) => (await client.query('SHOW server_version')).rows[0].server_version,
  );
  const broker = await connectBroker();
  try {
    const properties = broker.connection.serverProperties;
    return { postgres, rabbitmq: properties.version ?? 'unknown' };
  } finally {
    await broker.close();
  }
}

/**
 * Bytes of write-ahead log PostgreSQL has written so far (the whole cluster's: the bench is
 * meant to be the only work on it). Its growth per saga is what the system's writes cost the
 * database, and unlike CPU time it hardly moves from one run to the next.
 */
/**
 * Transactions the client's database has ended so far, committed or rolled back (a statement run
 * alone is one). PostgreSQL's statistics lag by up to about a second under load; over a window
 * of many seconds both ends lag alike.
 */
export async function transactionsOf(client) {
  const { rows } = await client.query(
    `SELECT (xact_commit + xact_rollback)::float8 AS n FROM pg_stat_database
     WHERE datname = current_database()`,
  );
  return Number(rows[0].n);
}

export async function walBytes(client) {
  const { rows } = await client.query(
    `SELECT pg_wal_lsn_diff(pg_current_wal_insert_lsn(), '0/0')::float8 AS bytes`,
  );
  return Number(rows[0].bytes);
}

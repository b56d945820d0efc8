// PostgreSQL alone: two-statement transactions (insert a journal row, update an account) per
// second, the shape of one saga hop's write, from a pool of `clients` connections.
import pg from 'pg';
import { epochNow, runClosedLoop } from '../closed-loop.mjs';
import { adminClient, postgresUrl } from '../infrastructure.mjs';

const ACCOUNTS = 10_000;

export async function postgresTransactions({ database, clients, measure }) {
  const setup = await adminClient(database);
  await setup.query(`
    DROP SCHEMA IF EXISTS micro CASCADE;
    CREATE SCHEMA micro;
    CREATE TABLE micro.account (id int PRIMARY KEY, balance bigint NOT NULL);
    CREATE TABLE micro.journal (id bigserial PRIMARY KEY, account int NOT NULL, amount int NOT NULL);
    INSERT INTO micro.account SELECT id, 0 FROM generate_series(1, ${ACCOUNTS}) id;`);
  await setup.end();
  // Not tagged as the bench's: these backends are the work being measured.
  const pool = new pg.Pool({ connectionString: postgresUrl(database), max: clients });
  const transaction = async () => {
    const startedAt = epochNow();
    const account = 1 + Math.floor(Math.random() * ACCOUNTS);
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await client.query('INSERT INTO micro.journal (account, amount) VALUES ($1, 1)', [account]);
      await client.query('UPDATE micro.account SET balance = balance + 1 WHERE id = $1', [account]);
      await client.query('COMMIT');
      return { startedAt, endedAt: epochNow() };
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      return { startedAt, endedAt: epochNow(), error: error.message };
    } finally {
      client.release();
    }
  };
  try {
    return await measure({
      level: clients,
      drive: ({ concurrency, stopAt }) => runClosedLoop({ concurrency, stopAt, op: transaction }),
    });
  } finally {
    await pool.end();
  }
}

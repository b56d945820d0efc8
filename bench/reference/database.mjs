// The reference saga's tables: a schema per participant (accounts and an inbox) and the
// orchestrator's saga rows, in a database of their own made fresh for each run.
import { adminClient, recreateDatabase } from '../infrastructure.mjs';
import { ACCOUNTS, DATABASE, ROLES, schemaOf } from './settings.mjs';

export async function prepareDatabase() {
  await recreateDatabase(DATABASE);
  const client = await adminClient(DATABASE);
  try {
    await client.query(`
      CREATE SCHEMA orchestrator;
      CREATE TABLE orchestrator.saga (
        id uuid PRIMARY KEY,
        status text NOT NULL,
        step int NOT NULL,
        account int NOT NULL,
        created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        updated_at timestamptz NOT NULL DEFAULT clock_timestamp())`);
    for (const schema of ROLES.map(schemaOf)) {
      await client.query(`
        CREATE SCHEMA ${schema};
        CREATE TABLE ${schema}.account (id int PRIMARY KEY, balance bigint NOT NULL);
        CREATE TABLE ${schema}.inbox (
          message_id text PRIMARY KEY,
          received_at timestamptz NOT NULL DEFAULT now());
        INSERT INTO ${schema}.account SELECT id, 1e15 FROM generate_series(1, ${ACCOUNTS}) id;`);
    }
  } finally {
    await client.end();
  }
}

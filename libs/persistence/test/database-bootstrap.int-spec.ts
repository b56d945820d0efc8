import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { DataSource, type MigrationInterface, type QueryRunner } from 'typeorm';
import { bootstrapDatabase, dataSourceOptions, runMigrations } from '../src/index.js';

const DATABASE = 'sagaflow_persistence_it';
const ADMIN_URL = `postgres://postgres@127.0.0.1:5432/${DATABASE}`;
const urlOf = (role: string) => `postgres://${role}@127.0.0.1:5432/${DATABASE}`;

class CreateWidgets1795653900000 implements MigrationInterface {
  name = 'CreateWidgets1795653900000';
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('CREATE TABLE widgets (id int PRIMARY KEY)');
  }
  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE widgets');
  }
}

async function asRole<T>(role: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: urlOf(role) });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

function dataSourceFor(role: string, schema: string): DataSource {
  return new DataSource(
    dataSourceOptions({
      url: urlOf(role),
      schema,
      poolSize: 2,
      migrationsRun: true,
      entities: [],
      migrations: [CreateWidgets1795653900000],
      healthCheckTimeoutMs: 1000,
      applicationName: 'persistence-it',
    }),
  );
}

describe('database bootstrap', () => {
  beforeAll(async () => {
    // Several apps start at once on a fresh machine: the bootstrap must survive the race.
    await Promise.all([
      bootstrapDatabase({
        adminUrl: ADMIN_URL,
        appUrl: urlOf('sagaflow_it_alpha'),
        schema: 'alpha',
      }),
      bootstrapDatabase({ adminUrl: ADMIN_URL, appUrl: urlOf('sagaflow_it_beta'), schema: 'beta' }),
      bootstrapDatabase({
        adminUrl: ADMIN_URL,
        appUrl: urlOf('sagaflow_it_alpha'),
        schema: 'alpha',
      }),
    ]);
  }, 30_000);

  afterAll(async () => {
    await asRole('postgres', async (client) => {
      await client.query('DROP SCHEMA IF EXISTS alpha CASCADE');
      await client.query('DROP SCHEMA IF EXISTS beta CASCADE');
    });
  });

  it('gives each role its own schema as its default search path', async () => {
    const path = await asRole('sagaflow_it_alpha', (c) =>
      c.query<{ search_path: string }>('SHOW search_path'),
    );
    expect(path.rows[0].search_path).toBe('alpha');
    await asRole('sagaflow_it_alpha', (c) =>
      c.query('CREATE TABLE IF NOT EXISTS secrets (id int)'),
    );
  });

  it("denies a role every access to another app's schema", async () => {
    await asRole('sagaflow_it_alpha', (c) =>
      c.query('CREATE TABLE IF NOT EXISTS secrets (id int)'),
    );
    await asRole('sagaflow_it_beta', async (client) => {
      await expect(client.query('SELECT * FROM alpha.secrets')).rejects.toMatchObject({
        code: '42501',
      });
      await expect(client.query('CREATE TABLE alpha.intruder (id int)')).rejects.toMatchObject({
        code: '42501',
      });
    });
  });

  it('gives the app roles no power beyond their schema', async () => {
    const { rows } = await asRole('postgres', (c) =>
      c.query<{ rolsuper: boolean; rolcreatedb: boolean; rolcreaterole: boolean }>(
        `SELECT rolsuper, rolcreatedb, rolcreaterole FROM pg_roles WHERE rolname = 'sagaflow_it_beta'`,
      ),
    );
    expect(rows).toEqual([{ rolsuper: false, rolcreatedb: false, rolcreaterole: false }]);
  });

  it('applies each migration once when several instances start together', async () => {
    const instances = [
      dataSourceFor('sagaflow_it_beta', 'beta'),
      dataSourceFor('sagaflow_it_beta', 'beta'),
    ];
    await Promise.all(instances.map((ds) => ds.initialize()));
    try {
      await Promise.all(instances.map((ds) => runMigrations(ds, 'beta')));
      const applied = await instances[0].query<{ name: string }[]>(
        'SELECT name FROM beta.migrations',
      );
      expect(applied.map((row) => row.name)).toEqual(['CreateWidgets1795653900000']);
      await instances[1].query('INSERT INTO widgets (id) VALUES (1)');
    } finally {
      await Promise.all(instances.map((ds) => ds.destroy()));
    }
  });
});

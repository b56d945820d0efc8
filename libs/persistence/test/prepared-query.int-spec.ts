import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { QueryFailedError, type DataSource } from 'typeorm';
import { queryPrepared } from '../src/index.js';
import { notesDatabase } from './notes-database.js';

let dataSource: DataSource;

beforeAll(async () => {
  dataSource = await notesDatabase('prepared', 1);
});

afterAll(async () => {
  await dataSource?.destroy();
});

const INSERT = 'INSERT INTO notes (id, body) VALUES ($1, $2) RETURNING id';
async function count(id: number, manager = dataSource.manager): Promise<number> {
  const rows: { n: string }[] = await manager.query(
    'SELECT count(*) AS n FROM notes WHERE id = $1',
    [id],
  );
  return Number(rows[0].n);
}

describe('queryPrepared against PostgreSQL', () => {
  it('runs a named statement, parsed once per connection, outside a transaction', async () => {
    expect(await queryPrepared(dataSource.manager, INSERT, [1, 'first'])).toEqual([{ id: 1 }]);
    expect(await queryPrepared(dataSource.manager, INSERT, [2, 'second'])).toEqual([{ id: 2 }]);
    // One pooled connection: the statement it prepared is still there, once.
    const prepared: { statement: string }[] = await dataSource.query(
      `SELECT statement FROM pg_prepared_statements WHERE name LIKE 'sf\\_%'`,
    );
    expect(prepared.map((row) => row.statement)).toEqual([INSERT]);
  });

  it('runs in the caller’s transaction: a rollback takes its write with it', async () => {
    await expect(
      dataSource.transaction(async (manager) => {
        await queryPrepared(manager, INSERT, [3, 'rolled back']);
        expect(await count(3, manager)).toBe(1);
        throw new Error('undo');
      }),
    ).rejects.toThrow('undo');
    expect(await count(3)).toBe(0);
  });

  it('fails as TypeORM does, with the driver’s error and code kept', async () => {
    const failure = await queryPrepared(dataSource.manager, INSERT, [1, 'again']).catch(
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(QueryFailedError);
    expect((failure as QueryFailedError & { driverError: { code: string } }).driverError.code).toBe(
      '23505',
    );
  });
});

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Writable } from 'node:stream';
import pg from 'pg';
import type { DataSource, QueryRunner } from 'typeorm';
import { holdPrepared, queryPrepared } from '../src/index.js';
import { ADMIN_URL, notesDatabase } from './notes-database.js';

const INSERT = 'INSERT INTO notes (id, body) VALUES ($1, $2)';

let dataSource: DataSource;
let observer: pg.Client;

beforeAll(async () => {
  dataSource = await notesDatabase('pipelined', 2);
  observer = new pg.Client({ connectionString: ADMIN_URL });
  await observer.connect();
});

afterAll(async () => {
  await observer?.end();
  await dataSource?.destroy();
});

/** The backend's state and last statement, as another connection sees them. */
async function backend(pid: number): Promise<{ state: string; query: string }> {
  const { rows } = await observer.query<{ state: string; query: string }>(
    'SELECT state, query FROM pg_stat_activity WHERE pid = $1',
    [pid],
  );
  return rows[0];
}

async function count(id: number): Promise<number> {
  const rows: { n: string }[] = await dataSource.query(
    'SELECT count(*) AS n FROM notes WHERE id = $1',
    [id],
  );
  return Number(rows[0].n);
}

/** A connected query runner and its backend's pid, released after `work`. */
async function withRunner(work: (runner: QueryRunner, pid: number) => Promise<void>) {
  const runner = dataSource.createQueryRunner();
  try {
    await runner.connect();
    const rows = (await runner.query('SELECT pg_backend_pid() AS pid')) as { pid: number }[];
    await work(runner, rows[0].pid);
  } finally {
    await runner.release();
  }
}

describe('a transaction in fewer round trips', () => {
  it('opens no transaction on the server until its first statement', () =>
    withRunner(async (runner, pid) => {
      await runner.startTransaction();
      expect(runner.isTransactionActive).toBe(true);
      expect((await backend(pid)).state).toBe('idle');
      await runner.query(INSERT, [1, 'first']);
      expect((await backend(pid)).state).toBe('idle in transaction');
      await runner.rollbackTransaction();
      expect((await backend(pid)).state).toBe('idle');
      expect(await count(1)).toBe(0);
    }));

  it('sends BEGIN and the first statement in one write', () =>
    withRunner(async (runner) => {
      const client = (await runner.connect()) as { connection: { stream: Writable } };
      const socket = client.connection.stream as Writable & {
        _write: (...args: unknown[]) => void;
        _writev: (...args: unknown[]) => void;
      };
      // A socket hands its bytes to the kernel through _write or _writev: count those calls.
      let writes = 0;
      const write = socket._write.bind(socket);
      const writev = socket._writev.bind(socket);
      socket._write = (...args) => ((writes += 1), write(...args));
      socket._writev = (...args) => ((writes += 1), writev(...args));
      try {
        await runner.startTransaction();
        await queryPrepared(runner.manager, INSERT, [2, 'one write']);
        expect(writes).toBe(1);
        await runner.commitTransaction();
      } finally {
        socket._write = write;
        socket._writev = writev;
      }
      expect(await count(2)).toBe(1);
    }));

  it('sends a held statement with the next one, in order', () =>
    withRunner(async (runner, pid) => {
      await runner.startTransaction();
      await runner.query('SELECT 1 AS before_hold');
      await holdPrepared(runner.manager, INSERT, [3, 'held']);
      expect((await backend(pid)).query).toBe('SELECT 1 AS before_hold');
      const seen = (await runner.query('SELECT count(*) AS n FROM notes WHERE id = 3')) as {
        n: string;
      }[];
      expect(seen).toEqual([{ n: '1' }]);
      await runner.commitTransaction();
      expect(await count(3)).toBe(1);
    }));

  it('sends a held statement with COMMIT, whose failure rolls the whole transaction back', async () => {
    await dataSource.transaction((manager) => queryPrepared(manager, INSERT, [4, 'there']));
    const failed = dataSource.transaction(async (manager) => {
      await queryPrepared(manager, INSERT, [5, 'undone with the rest']);
      await holdPrepared(manager, INSERT, [4, 'a duplicate']);
    });
    await expect(failed).rejects.toThrow(/duplicate key/);
    expect(await count(5)).toBe(0);
  });

  it('fails the next statement with a held statement’s own error', async () => {
    const failed = dataSource.transaction(async (manager) => {
      await holdPrepared(manager, INSERT, [4, 'a duplicate']);
      await manager.query('SELECT 1');
    });
    await expect(failed).rejects.toThrow(/duplicate key/);
  });

  it('commits a transaction that only held statements, instead of dropping them', async () => {
    await dataSource.transaction(async (manager) => {
      await holdPrepared(manager, INSERT, [12, 'held alone']);
      await holdPrepared(manager, INSERT, [13, 'held too']);
    });
    expect(await count(12)).toBe(1);
    expect(await count(13)).toBe(1);
  });

  it('never sends what a ROLLBACK drops', () =>
    withRunner(async (runner, pid) => {
      await runner.startTransaction();
      await runner.query('SELECT 2 AS before_hold');
      await holdPrepared(runner.manager, INSERT, [6, 'dropped']);
      await runner.rollbackTransaction();
      expect(await backend(pid)).toEqual({ state: 'idle', query: 'ROLLBACK' });
      expect(await count(6)).toBe(0);
    }));

  it('reports a COMMIT that PostgreSQL answered with ROLLBACK as a failure', async () => {
    const swallowed = dataSource.transaction(async (manager) => {
      await manager.query(INSERT, [7, 'lost with the transaction']);
      await manager.query('SELECT * FROM no_such_table').catch(() => undefined);
    });
    await expect(swallowed).rejects.toThrow(/answered with ROLLBACK/);
    expect(await count(7)).toBe(0);
  });

  it('opens the transaction at the isolation level asked for', async () => {
    const levels = await dataSource.transaction('REPEATABLE READ', (manager) =>
      manager.query<{ transaction_isolation: string }[]>('SHOW transaction_isolation'),
    );
    expect(levels).toEqual([{ transaction_isolation: 'repeatable read' }]);
  });

  it('sends nothing for a transaction that runs no statement', () =>
    withRunner(async (runner, pid) => {
      await runner.startTransaction();
      await runner.commitTransaction();
      await runner.startTransaction();
      await runner.rollbackTransaction();
      expect((await backend(pid)).query).toBe('SELECT pg_backend_pid() AS pid');
    }));

  it('runs a held statement at once outside a transaction', async () => {
    await holdPrepared(dataSource.manager, INSERT, [8, 'now']);
    expect(await count(8)).toBe(1);
  });
});

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import {
  launchApp,
  statusOf,
  stopApp,
  waitForStatus,
  type RunningApp,
} from './support/app-process.js';
import {
  DATA_OWNERS,
  SYSTEM,
  databaseUrlFor,
  envFor,
  startSystem,
  stopSystem,
} from './support/system.js';

describe('the system', () => {
  let apps: RunningApp[];

  beforeAll(async () => {
    apps = await startSystem();
  }, 90_000);

  afterAll(async () => {
    await stopSystem(apps);
  });

  it('runs five apps as separate processes, each live and ready', async () => {
    expect(apps.map((app) => app.name).sort()).toEqual(
      ['credit', 'gateway', 'order', 'payment', 'saga-orchestrator'].sort(),
    );
    expect(new Set(apps.map((app) => app.process.pid)).size).toBe(5);
    for (const app of apps) {
      expect(await statusOf(`${app.url}/health/live`)).toBe(200);
      expect(await statusOf(`${app.url}/health/ready`)).toBe(200);
    }
  });

  it('checks the database and the broker in the readiness of every data-owning app', async () => {
    for (const owner of DATA_OWNERS) {
      const body = (await (await fetch(`http://127.0.0.1:${owner.port}/health/ready`)).json()) as {
        details: Record<string, { status: string }>;
      };
      expect(body.details).toMatchObject({
        database: { status: 'up' },
        broker: { status: 'up' },
        shutdown: { status: 'up' },
      });
    }
  });

  it('writes one JSON object per log line, tagged with the service', () => {
    for (const app of apps) {
      const lines = app.output().trim().split('\n');
      expect(lines.length).toBeGreaterThan(3);
      for (const line of lines) {
        const entry = JSON.parse(line) as { service: string; level: number; msg: string };
        expect(entry.service).toBe(app.name);
        expect(typeof entry.msg).toBe('string');
      }
    }
  });

  it('keeps each app inside its own schema: the credit role cannot read orders', async () => {
    const credit = new pg.Client({ connectionString: databaseUrlFor('sagaflow_credit') });
    await credit.connect();
    try {
      await expect(credit.query('SELECT * FROM orders.orders')).rejects.toMatchObject({
        code: '42501', // insufficient_privilege
      });
      const own = await credit.query('SELECT count(*) FROM customers');
      expect(own.rows).toHaveLength(1);
    } finally {
      await credit.end();
    }
  });

  it('creates tables only through migrations, recorded per schema', async () => {
    for (const owner of DATA_OWNERS) {
      const client = new pg.Client({ connectionString: databaseUrlFor(owner.role) });
      await client.connect();
      try {
        const { rows } = await client.query<{ name: string }>('SELECT name FROM migrations');
        expect(rows.length).toBeGreaterThan(0);
      } finally {
        await client.end();
      }
    }
  });
});

describe('graceful shutdown', () => {
  it('fails readiness first, keeps answering while it drains, then exits cleanly', async () => {
    const credit = SYSTEM.find((app) => app.name === 'credit')!;
    const app = launchApp(
      'credit',
      envFor({ ...credit, port: 4113 }, { SHUTDOWN_GRACE_MS: '1500' }),
    );
    await waitForStatus(`${app.url}/health/ready`, 200, 60_000);

    app.process.kill('SIGTERM');
    await waitForStatus(`${app.url}/health/ready`, 503, 1000);
    expect(await statusOf(`${app.url}/health/live`)).toBe(200);

    expect(await app.exited).toBe(0);
    expect(app.output()).toContain('Draining');
  }, 90_000);
});

describe('start-up configuration', () => {
  it.each(SYSTEM.map((app) => app.name))(
    '%s stops at once with one line naming a bad variable',
    async (name) => {
      const app = launchApp(name, { PORT: 'abc' });
      const code = await app.exited;
      expect(code).toBe(1);
      const lines = app.output().trim().split('\n');
      expect(lines).toEqual([
        `${name}: Invalid configuration: PORT: must be a TCP port number (got "abc")`,
      ]);
    },
    30_000,
  );

  it('refuses to start in production without its secrets', async () => {
    const app = launchApp('credit', { PORT: '4114', NODE_ENV: 'production' });
    expect(await app.exited).toBe(1);
    expect(app.output()).toContain('DATABASE_URL is required when NODE_ENV=production');
    expect(app.output()).toContain('AMQP_URL is required when NODE_ENV=production');
    await stopApp(app);
  });
});

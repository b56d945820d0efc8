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
  const appUrl = (name: string) => apps.find((app) => app.name === name)!.url;

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

  it('serves Prometheus metrics on every app, open like the probes', async () => {
    const shared = ['http_request_duration_seconds', 'process_cpu_user_seconds_total'];
    const dataOwner = [
      'sagaflow_outbox_backlog',
      'sagaflow_outbox_lag_seconds',
      'sagaflow_dead_letter_queue_depth',
    ];
    const own: Record<string, string[]> = {
      gateway: ['gateway_upstream_instances'],
      'saga-orchestrator': [
        'sagaflow_sagas',
        'sagaflow_sagas_started_total',
        'sagaflow_sagas_failed_total',
        'sagaflow_saga_duration_seconds',
        'sagaflow_saga_step_duration_seconds',
      ],
    };
    for (const app of SYSTEM) {
      const response = await fetch(`http://127.0.0.1:${app.port}/metrics`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toContain('text/plain');
      const text = await response.text();
      const names = [...text.matchAll(/^# TYPE (\S+) /gm)].map((match) => match[1]);
      const expected = [...shared, ...('role' in app ? dataOwner : []), ...(own[app.name] ?? [])];
      expect({ app: app.name, names }).toEqual({
        app: app.name,
        names: expect.arrayContaining(expected),
      });
      // The probes the suite polled at start-up, by route pattern.
      expect(text).toMatch(
        /http_request_duration_seconds_count\{method="GET",route="\/health\/ready",status_code="200"\} [1-9]/,
      );
      if ('role' in app) {
        const consumed =
          app.name === 'saga-orchestrator' ? app.name + '.replies' : `${app.name}.commands`;
        expect(text).toContain(
          `sagaflow_dead_letter_queue_depth{queue="e2e.${consumed}.dead-letter"}`,
        );
        expect(text).toMatch(/^sagaflow_outbox_lag_seconds [\d.]+$/m);
      }
    }
    const orchestrator = await (await fetch(`${appUrl('saga-orchestrator')}/metrics`)).text();
    expect(orchestrator).toMatch(
      /^sagaflow_sagas\{saga_type="place-order",status="FAILED"\} \d+$/m,
    );
    const gateway = await (await fetch(`${appUrl('gateway')}/metrics`)).text();
    expect(gateway).toContain('gateway_upstream_instances{service="credit",status="UP"} 1');
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

  it('refuses the test-only span file in production, in one line', async () => {
    const app = launchApp('gateway', {
      PORT: '4115',
      NODE_ENV: 'production',
      AUTH_JWT_SECRET: 'a-production-secret-of-at-least-32-chars',
      AUTH_ISSUER: 'https://id.example',
      AUTH_AUDIENCE: 'sagaflow-api',
      AUTH_JWKS_URL: 'https://id.example/jwks',
      OTEL_TRACES_EXPORTER: 'file',
      OTEL_TRACES_FILE: '/tmp/spans.jsonl',
    });
    expect(await app.exited).toBe(1);
    expect(app.output().trim().split('\n')).toEqual([
      'gateway: Invalid configuration: OTEL_TRACES_EXPORTER=file is for tests only and must not be set in production',
    ]);
  });

  it('refuses to start in production without its secrets', async () => {
    const app = launchApp('credit', { PORT: '4114', NODE_ENV: 'production' });
    expect(await app.exited).toBe(1);
    expect(app.output()).toContain('DATABASE_URL is required when NODE_ENV=production');
    expect(app.output()).toContain('AMQP_URL is required when NODE_ENV=production');
    await stopApp(app);
  });
});

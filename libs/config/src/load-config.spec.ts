import { describe, expect, it } from '@jest/globals';
import { z } from 'zod';
import { ConfigError } from './config.error.js';
import { env } from './env-fields.js';
import { loadConfig } from './load-config.js';
import {
  BROKER_TEST_ONLY,
  brokerEnv,
  databaseAdminUrlOf,
  databaseEnv,
  logFormatOf,
  serviceEnv,
  trustedPublishersOf,
} from './service.config.js';

const schema = z.object({ ...serviceEnv(3003), ...databaseEnv('sagaflow_credit'), ...brokerEnv() });
const secrets = ['DATABASE_URL', 'AMQP_URL'];

function problemsOf(load: () => unknown): string[] {
  try {
    load();
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe(loadConfig.name, () => {
  it('gives every setting a safe local default', () => {
    const config = loadConfig(schema, {});
    expect(config).toMatchObject({
      NODE_ENV: 'development',
      PORT: 3003,
      DATABASE_URL: 'postgres://sagaflow_credit@127.0.0.1:5432/sagaflow',
      AMQP_URL: 'amqp://guest:guest@127.0.0.1:5672',
      DATABASE_MIGRATIONS_RUN: true,
    });
  });

  it('parses numbers and booleans from strings', () => {
    const config = loadConfig(schema, { PORT: '8080', DATABASE_MIGRATIONS_RUN: 'false' });
    expect(config.PORT).toBe(8080);
    expect(config.DATABASE_MIGRATIONS_RUN).toBe(false);
  });

  it('names the variable and the value it rejects in one line', () => {
    expect(() => loadConfig(schema, { PORT: 'abc' })).toThrow(
      'Invalid configuration: PORT: must be a TCP port number (got "abc")',
    );
  });

  it('reports every bad variable at once', () => {
    const problems = problemsOf(() => loadConfig(schema, { PORT: '70000', LOG_LEVEL: 'loud' }));
    expect(problems).toEqual([
      'PORT: must be between 1 and 65535 (got "70000")',
      'LOG_LEVEL: must be one of fatal, error, warn, info, debug, trace, silent (got "loud")',
    ]);
  });

  it('never echoes a secret it rejects', () => {
    const problems = problemsOf(() =>
      loadConfig(schema, { DATABASE_URL: 'mysql://root:hunter2@db' }, { secrets }),
    );
    expect(problems).toEqual([
      'DATABASE_URL: must be a URL starting with postgres:// or postgresql://',
    ]);
  });

  it('never echoes an admin URL or a token, listed as secrets or not', () => {
    const withCredentials = schema.extend({
      DATABASE_ADMIN_URL: env.url(['postgres:']).optional(),
      DISCOVERY_REGISTRATION_TOKEN: z.string().min(16).optional(),
    });
    const problems = problemsOf(() =>
      loadConfig(withCredentials, {
        DATABASE_ADMIN_URL: 'mysql://root:hunter2@db',
        DISCOVERY_REGISTRATION_TOKEN: 'hunter2',
      }),
    );
    expect(problems.join('; ')).not.toContain('hunter2');
    expect(problems).toHaveLength(2);
  });

  it('requires secrets explicitly in production', () => {
    const problems = problemsOf(() => loadConfig(schema, { NODE_ENV: 'production' }, { secrets }));
    expect(problems).toEqual([
      'DATABASE_URL is required when NODE_ENV=production',
      'AMQP_URL is required when NODE_ENV=production',
    ]);
  });

  it('refuses unencrypted database and broker connections in production', () => {
    const problems = problemsOf(() =>
      loadConfig(
        schema,
        {
          NODE_ENV: 'production',
          DATABASE_URL: 'postgres://credit:pw@db/sagaflow?sslmode=require',
          AMQP_URL: 'amqp://credit:pw@rabbitmq:5672',
        },
        { secrets },
      ),
    );
    expect(problems).toEqual([
      'DATABASE_URL must use sslmode=verify-full when NODE_ENV=production',
      'AMQP_URL must be an amqps:// (TLS) URL when NODE_ENV=production',
    ]);
    expect(() =>
      loadConfig(
        schema,
        {
          NODE_ENV: 'production',
          DATABASE_URL: 'postgres://credit:pw@db/sagaflow?sslmode=verify-full',
          AMQP_URL: 'amqps://credit:pw@rabbitmq:5671',
        },
        { secrets },
      ),
    ).not.toThrow();
  });

  it('refuses test-only variables in production', () => {
    const problems = problemsOf(() =>
      loadConfig(
        schema,
        { NODE_ENV: 'production', FAULT_INJECTION: 'crash-before-outbox-publish' },
        { testOnly: ['FAULT_INJECTION'] },
      ),
    );
    expect(problems).toEqual([
      'FAULT_INJECTION is for tests only and must not be set in production',
    ]);
  });

  it('leaves messaging chaos off unless MESSAGING_CHAOS names a kind', () => {
    const config = loadConfig(schema, { MESSAGING_CHAOS: '' });
    expect(config.MESSAGING_CHAOS).toBeUndefined();
    expect(config.MESSAGING_CHAOS_RATE).toBe(0.05);
    expect(config.MESSAGING_CHAOS_SEED).toBeUndefined();
  });

  it('reads the messaging chaos kinds, rate and seed', () => {
    const config = loadConfig(schema, {
      MESSAGING_CHAOS: 'duplicate, reorder,duplicate',
      MESSAGING_CHAOS_RATE: '1',
      MESSAGING_CHAOS_SEED: '42',
    });
    expect(config).toMatchObject({
      MESSAGING_CHAOS: ['duplicate', 'reorder'],
      MESSAGING_CHAOS_RATE: 1,
      MESSAGING_CHAOS_SEED: 42,
    });
  });

  it('names what is wrong with a messaging chaos setting', () => {
    const problems = problemsOf(() =>
      loadConfig(schema, {
        MESSAGING_CHAOS: 'duplicate,drop',
        MESSAGING_CHAOS_RATE: '1.5',
        MESSAGING_CHAOS_SEED: '4.2',
      }),
    );
    expect(problems).toEqual([
      'MESSAGING_CHAOS: must be a comma list of duplicate, reorder (got "duplicate,drop")',
      'MESSAGING_CHAOS_RATE: must be a number between 0 and 1 (got "1.5")',
      'MESSAGING_CHAOS_SEED: must be a whole number (got "4.2")',
    ]);
  });

  it('refuses messaging chaos in production', () => {
    const problems = problemsOf(() =>
      loadConfig(
        schema,
        { NODE_ENV: 'production', MESSAGING_CHAOS: 'duplicate', MESSAGING_CHAOS_SEED: '1' },
        { testOnly: BROKER_TEST_ONLY },
      ),
    );
    expect(problems).toEqual([
      'MESSAGING_CHAOS is for tests only and must not be set in production',
      'MESSAGING_CHAOS_SEED is for tests only and must not be set in production',
    ]);
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig(schema, { PORT: '' }).PORT).toBe(3003);
  });

  it('rejects a boolean that is neither true nor false', () => {
    const flag = z.object({ FLAG: env.boolean(false) });
    expect(() => loadConfig(flag, { FLAG: 'yes' })).toThrow(
      'FLAG: must be true or false (got "yes")',
    );
  });
});

describe(databaseAdminUrlOf.name, () => {
  const base = { DATABASE_URL: 'postgres://sagaflow_credit:pw@db.local:5432/shop' };

  it('defaults to the postgres superuser on the same server and database locally', () => {
    expect(databaseAdminUrlOf({ ...base, NODE_ENV: 'development' })).toBe(
      'postgres://postgres@db.local:5432/shop',
    );
  });

  it('has no default in production, where a Job bootstraps the database', () => {
    expect(databaseAdminUrlOf({ ...base, NODE_ENV: 'production' })).toBeUndefined();
  });

  it('uses the given admin URL', () => {
    const adminUrl = 'postgres://admin:secret@db.local/shop';
    expect(
      databaseAdminUrlOf({ ...base, NODE_ENV: 'production', DATABASE_ADMIN_URL: adminUrl }),
    ).toBe(adminUrl);
  });
});

describe(logFormatOf.name, () => {
  it('logs JSON in production and readable lines elsewhere unless told', () => {
    expect(logFormatOf({ NODE_ENV: 'production' })).toBe('json');
    expect(logFormatOf({ NODE_ENV: 'development' })).toBe('pretty');
    expect(logFormatOf({ NODE_ENV: 'development', LOG_FORMAT: 'json' })).toBe('json');
  });
});

describe(trustedPublishersOf.name, () => {
  const users = loadConfig(schema, {
    AMQP_PUBLISHER_USERS: 'saga-orchestrator:orch,order:ord,credit:cre,payment:pay',
  }).AMQP_PUBLISHER_USERS;

  it('trusts only the orchestrator’s user with commands to a participant', () => {
    expect(trustedPublishersOf(users, 'credit')?.('credit.reserve-credit')).toEqual(['orch']);
  });

  it('trusts a reply only from its participant’s user (or the orchestrator replaying it)', () => {
    const trusted = trustedPublishersOf(users, 'saga-orchestrator');
    expect(trusted?.('credit.credit-reserved')).toEqual(['cre', 'orch']);
    expect(trusted?.('payment.payment-charged')).toEqual(['pay', 'orch']);
  });

  it('checks nothing when no users are set, and refuses a list that leaves an app out', () => {
    expect(trustedPublishersOf(undefined, 'credit')).toBeUndefined();
    expect(() => loadConfig(schema, { AMQP_PUBLISHER_USERS: 'order:ord' })).toThrow(
      'AMQP_PUBLISHER_USERS: must name a user for saga-orchestrator, credit, payment',
    );
  });
});

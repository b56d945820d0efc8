import { describe, expect, it } from '@jest/globals';
import {
  brokerEnv,
  ConfigError,
  databaseEnv,
  identityEnv,
  loadConfig,
  serviceEnv,
  type Env,
} from '@app/config';
import { z } from 'zod';
import { messagingChaosOf, messagingOptionsOf } from './app-messaging.js';

const schema = z.object({
  ...serviceEnv(3003),
  ...databaseEnv('sagaflow_credit'),
  ...brokerEnv(),
  ...identityEnv(),
});

/** A consuming app's messaging options, built from `env` as its start-up builds them. */
function optionsOf(env: Env) {
  return messagingOptionsOf('credit', loadConfig(schema, env), { consume: ['credit.commands'] });
}

function problemsOf(env: Env): string[] {
  try {
    optionsOf(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe(messagingOptionsOf.name, () => {
  it('declares the topology unless AMQP_DECLARE_TOPOLOGY=false leaves it to the orchestrator', () => {
    expect(optionsOf({}).declareTopology).toBe(true);
    expect(optionsOf({ AMQP_DECLARE_TOPOLOGY: 'false' }).declareTopology).toBe(false);
  });

  it('starts with the defaults: a pool of 8 serves 6 deliveries at once beside its reserve', () => {
    expect(problemsOf({})).toEqual([]);
    expect(problemsOf({ AMQP_CONCURRENCY: '6' })).toEqual([]);
  });

  it('refuses more deliveries at once than the pool can serve, naming both variables', () => {
    expect(problemsOf({ AMQP_CONCURRENCY: '7' })).toEqual([
      expect.stringMatching(/^AMQP_CONCURRENCY \(7\) must be at most DATABASE_POOL_SIZE \(8\) - 2/),
    ]);
  });

  it('refuses a pool too small for an app that consumes messages', () => {
    expect(problemsOf({ DATABASE_POOL_SIZE: '2' })).toEqual([
      expect.stringMatching(/^DATABASE_POOL_SIZE \(2\) must be at least 3/),
    ]);
  });
});

describe(messagingChaosOf.name, () => {
  it('is off unless MESSAGING_CHAOS names a kind', () => {
    expect(messagingChaosOf(loadConfig(schema, {}))).toBeUndefined();
    expect(messagingChaosOf(loadConfig(schema, { MESSAGING_CHAOS_RATE: '1' }))).toBeUndefined();
  });

  it('hands the kinds, rate and seed to the messaging layer', () => {
    const config = loadConfig(schema, {
      MESSAGING_CHAOS: 'reorder,duplicate',
      MESSAGING_CHAOS_SEED: '7',
    });
    expect(messagingChaosOf(config)).toEqual({
      kinds: ['reorder', 'duplicate'],
      rate: 0.05,
      seed: 7,
    });
  });
});

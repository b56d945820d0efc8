// The micro-benchmarks' part of a run: what PostgreSQL and RabbitMQ alone do on this machine.
import {
  adminClient,
  dropDatabase,
  postgresPidsFor,
  recreateDatabase,
} from '../infrastructure.mjs';
import { measureLevel } from '../level.mjs';
import { pidsNamed } from '../process-stats.mjs';
import { logLevel } from '../progress.mjs';
import { postgresTransactions } from './postgres-transactions.mjs';
import { rabbitmqRoundTrips } from './rabbitmq-round-trips.mjs';

const DATABASE = 'sagaflow_bench_micro';
const POSTGRES_CLIENTS = 16;
const RABBITMQ_IN_FLIGHT = 128;

export async function benchMicro({ options, namespace }) {
  await recreateDatabase(DATABASE);
  const admin = await adminClient(DATABASE);
  const measure = (cpuGroups) => (load) =>
    measureLevel({
      ...load,
      warmupMs: Math.min(1000, options.microDuration * 500),
      durationMs: options.microDuration * 1000,
      cpuGroups,
    });
  try {
    const postgres = await postgresTransactions({
      database: DATABASE,
      clients: POSTGRES_CLIENTS,
      measure: measure({ postgres: () => postgresPidsFor(admin, [DATABASE]) }),
    });
    logLevel('postgres tx', postgres);
    const rabbitmq = await rabbitmqRoundTrips({
      namespace,
      inFlight: RABBITMQ_IN_FLIGHT,
      measure: measure({ rabbitmq: () => pidsNamed('beam.smp') }),
    });
    logLevel('rabbitmq rt', rabbitmq);
    return { postgres, rabbitmq };
  } finally {
    await admin.end();
    await dropDatabase(DATABASE);
  }
}

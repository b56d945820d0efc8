// The reference saga's part of a run: the same levels as Sagaflow, measured the same way.
import { epochNow } from '../closed-loop.mjs';
import {
  adminClient,
  dropDatabase,
  postgresPidsFor,
  transactionsOf,
  walBytes,
} from '../infrastructure.mjs';
import { measureLevel } from '../level.mjs';
import { pidsNamed } from '../process-stats.mjs';
import { log, logLevel } from '../progress.mjs';
import { endedBetween } from '../saga-rows.mjs';
import { ReferenceSaga } from './reference-saga.mjs';
import { DATABASE, SAGA_STATUSES, SAGA_TABLE } from './settings.mjs';

const PREWARM_LEVEL = 8;

export async function benchReference({ options, namespace }) {
  log('starting the reference saga');
  const saga = await ReferenceSaga.start(`${namespace}reference.`);
  const admin = await adminClient(DATABASE);
  try {
    const drive = (run) => saga.drive(run);
    if (options.prewarm > 0) {
      await drive({ concurrency: PREWARM_LEVEL, stopAt: epochNow() + options.prewarm * 1000 });
    }
    const results = [];
    for (const level of options.levels) {
      const result = await measureLevel({
        level,
        drive,
        warmupMs: options.warmup * 1000,
        durationMs: options.duration * 1000,
        cpuGroups: {
          ...Object.fromEntries(
            Object.entries(saga.pids).map(([name, pid]) => [name, () => [pid]]),
          ),
          postgres: () => postgresPidsFor(admin, [DATABASE]),
          rabbitmq: () => pidsNamed('beam.smp'),
        },
        rssPids: saga.pids,
        ended: (from, to) =>
          endedBetween(admin, { table: SAGA_TABLE, statuses: SAGA_STATUSES }, from, to),
        walBytes: () => walBytes(admin),
        transactions: () => transactionsOf(admin),
      });
      results.push(result);
      logLevel('reference', result);
    }
    return results;
  } finally {
    await admin.end();
    await saga.stop();
    if (!options.keepDatabase) await dropDatabase(DATABASE);
  }
}

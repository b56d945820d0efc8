import { setTimeout as sleep } from 'node:timers/promises';
import { queueDepths, unfinishedWork } from './evidence.mjs';
import { WORK_QUEUES } from './layout.mjs';

/**
 * Waits until nothing more can happen: no saga running or compensating, no payment still to
 * settle with the provider (a late settlement answers its commands and writes outbox rows after
 * every saga ended), every outbox sent, and the work queues empty with nothing unacknowledged (a
 * slow charge may still be in a handler with no trace in the database). Orders still PENDING then
 * stay so for good: the invariants report them. Bounded by `timeoutMs`.
 */
export async function settle({ timeoutMs, log }) {
  const started = Date.now();
  let pending = {};
  let lastLog = 0;
  while (Date.now() - started < timeoutMs) {
    pending = await unfinishedWork().catch((error) => ({ error: error.message }));
    if (pending.liveSagas === 0 && pending.settlingPayments === 0 && pending.unsentOutbox === 0) {
      const queues = await queueDepths().catch(() => []);
      const work = queues.filter((q) => WORK_QUEUES.includes(q.name));
      pending.queuedOrUnacked =
        work.length === 0 ? 'unknown' : work.reduce((n, q) => n + q.messages + q.unacked, 0);
      if (pending.queuedOrUnacked === 0)
        return { settled: true, ms: Date.now() - started, pending };
    }
    if (Date.now() - lastLog > 5000) {
      lastLog = Date.now();
      log(`settling: ${JSON.stringify(pending)}`);
    }
    await sleep(1000);
  }
  return { settled: false, ms: Date.now() - started, pending };
}

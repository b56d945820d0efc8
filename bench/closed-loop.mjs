// A closed loop: `concurrency` workers each run one saga after another, so exactly that many are
// in flight. Shared by the Sagaflow drivers and the reference saga's orchestrator.
import { performance } from 'node:perf_hooks';
import { clearTimeout, setTimeout } from 'node:timers';

/** Wall-clock milliseconds with sub-millisecond precision, comparable across processes. */
export const epochNow = () => performance.timeOrigin + performance.now();

/**
 * Runs `op(slot)` back to back in `concurrency` workers until `stopAt` (epoch ms), then waits for
 * the sagas in flight to end. `op` never throws: it returns a sample, with `error` when it failed.
 */
export async function runClosedLoop({ concurrency, stopAt, op }) {
  const samples = [];
  const worker = async (slot) => {
    while (epochNow() < stopAt) samples.push(await op(slot));
  };
  await Promise.all(Array.from({ length: concurrency }, (_, slot) => worker(slot)));
  return samples;
}

/** Rejects with a message naming `what` when `promise` takes longer than `ms`. */
export function withTimeout(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

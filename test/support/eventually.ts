import { setTimeout as sleep } from 'node:timers/promises';

export interface EventuallyOptions {
  timeoutMs?: number;
  /** What never happened, for the failure message: "credit's route answers 200". */
  what?: string;
}

/** Polls `check` until it holds; what a test waits for happens in another process or task. */
export async function eventually(
  check: () => Promise<boolean> | boolean,
  options: number | EventuallyOptions = {},
): Promise<void> {
  const { timeoutMs = 10_000, what = 'condition' } =
    typeof options === 'number' ? { timeoutMs: options } : options;
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what}: not met within ${timeoutMs} ms`);
    await sleep(20);
  }
}

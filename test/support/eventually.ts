import { setTimeout as sleep } from 'node:timers/promises';

export interface EventuallyOptions {
  timeoutMs?: number;
  /**
   * What never happened, for the failure message: "credit's route answers 200". A function is
   * asked only when the wait fails, so it may describe what is missing at that moment.
   */
  what?: string | (() => string);
  /** How long to wait between two checks. */
  intervalMs?: number;
}

/**
 * The one way a test waits for something that happens in another process or task: polls `check`
 * until it holds, or fails saying what never happened. Not for proving that nothing more arrives:
 * for that, send a marker after and wait for the marker's effect (a barrier).
 */
export async function eventually(
  check: () => Promise<boolean> | boolean,
  options: number | EventuallyOptions = {},
): Promise<void> {
  await eventuallyValue(check, (held) => held, options);
}

/**
 * Polls `read` until `accept` holds for what it returned, and returns that; the failure message
 * names what never happened and the last value seen.
 */
export async function eventuallyValue<T>(
  read: () => Promise<T> | T,
  accept: (value: T) => boolean,
  options: number | EventuallyOptions = {},
): Promise<T> {
  const {
    timeoutMs = 10_000,
    what = 'condition',
    intervalMs = 20,
  } = typeof options === 'number' ? { timeoutMs: options } : options;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (accept(value)) return value;
    if (Date.now() > deadline) {
      const description = typeof what === 'function' ? what() : what;
      const seen = typeof value === 'boolean' ? '' : `; last seen: ${JSON.stringify(value)}`;
      throw new Error(`${description}: not met within ${timeoutMs} ms${seen}`);
    }
    await sleep(intervalMs);
  }
}

import type { RetryOptions } from './messaging.options.js';

/**
 * Delay before retry number `attempt` (1-based): exponential, capped, with ±20 % jitter so
 * instances that failed together do not retry together.
 */
export function backoffDelay(
  attempt: number,
  options: Omit<RetryOptions, 'maxAttempts'>,
  random = Math.random,
): number {
  const base = Math.min(options.maxDelayMs, options.initialDelayMs * 2 ** (attempt - 1));
  const jitter = base * 0.2 * (random() * 2 - 1);
  return Math.max(0, Math.round(Math.min(options.maxDelayMs, base + jitter)));
}

import { AsyncLocalStorage } from 'node:async_hooks';
import type { Envelope } from './envelope.js';

/** The message being handled, so what its handler sends inherits its saga, correlation and trace. */
export const messageScope = new AsyncLocalStorage<Envelope>();

/** The `traceparent` of the HTTP request being served, so the messages it sends join its trace. */
export const requestTrace = new AsyncLocalStorage<string>();

/**
 * Runs `work` so that the messages it sends continue the trace of `traceparent`, as those sent
 * while serving an HTTP request do: for work that starts on its own later (a saga's deadline).
 * When tracing runs, an active span of that trace takes precedence.
 */
export function continuingTrace<T>(traceparent: string | null | undefined, work: () => T): T {
  return traceparent ? requestTrace.run(traceparent, work) : work();
}

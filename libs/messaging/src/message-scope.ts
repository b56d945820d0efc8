import { AsyncLocalStorage } from 'node:async_hooks';
import type { Envelope } from './envelope.js';

/** The message being handled, so what its handler sends inherits its saga, correlation and trace. */
export const messageScope = new AsyncLocalStorage<Envelope>();

/** The `traceparent` of the HTTP request being served, so the messages it sends join its trace. */
export const requestTrace = new AsyncLocalStorage<string>();

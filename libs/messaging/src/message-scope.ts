import { AsyncLocalStorage } from 'node:async_hooks';
import type { Envelope } from './envelope.js';

/** The message being handled, so what its handler sends inherits its saga, correlation and trace. */
export const messageScope = new AsyncLocalStorage<Envelope>();

import type { EntityManager } from 'typeorm';
import type { Envelope } from './envelope.js';

/** What a handler gets besides the payload: the transaction it runs in and the whole envelope. */
export interface MessageContext<P = unknown> {
  /** The transaction that also records the inbox row and the reply; use it for every write. */
  manager: EntityManager;
  envelope: Envelope<P>;
}

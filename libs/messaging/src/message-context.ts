import { BaseRpcContext } from '@nestjs/microservices';
import type { EntityManager } from 'typeorm';
import type { Envelope } from './envelope.js';

/**
 * What a message handler gets besides the payload (`@Ctx()`, or its second parameter): the whole
 * envelope and the transaction the delivery runs in.
 */
export class MessageContext<P = unknown> extends BaseRpcContext<[Envelope<P>, EntityManager]> {
  constructor(
    readonly envelope: Envelope<P>,
    /** The transaction that also records the inbox row and the reply; use it for every write. */
    readonly manager: EntityManager,
  ) {
    super([envelope, manager]);
  }

  getEnvelope(): Envelope<P> {
    return this.envelope;
  }

  getManager(): EntityManager {
    return this.manager;
  }
}

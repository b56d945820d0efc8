import { Injectable } from '@nestjs/common';
import type { MessageDefinition, ReplyDefinition } from '@app/contracts';
import { DataSource, type EntityManager } from 'typeorm';
import { CommandReplies } from './command-replies.js';
import { DomainError } from './domain.error.js';
import type { Envelope } from './envelope.js';
import { FaultInjector } from './fault-injector.js';
import { Inbox } from './inbox.js';
import { MessageContext } from './message-context.js';

export type DispatchOutcome = 'handled' | 'duplicate';

/** A message type's handler, as the transport found it: its Nest pipeline behind `invoke`. */
export interface MessageRoute {
  definition: MessageDefinition;
  /** `CreditController.reserve`, for logs. */
  name: string;
  /** False: the handler drops duplicates itself and runs outside a transaction. */
  inbox: boolean;
  invoke(payload: unknown, context: MessageContext): Promise<unknown>;
}

interface Reply {
  definition: ReplyDefinition;
  payload: unknown;
}

/**
 * A business failure whose handler's writes must be undone: the transaction is rolled back as a
 * whole and the inbox row and failure reply are written in a fresh one. Failures are rare, so the
 * common path pays no savepoint round trip for them.
 */
class Refusal extends Error {
  constructor(readonly reply: Reply) {
    super('refused: the transaction is rolled back and the failure reply sent alone');
  }
}

/**
 * Handles one valid message in one transaction: the inbox row, the handler's writes and its reply
 * in the outbox commit together, or not at all. A duplicate is answered with the kept reply. A
 * business failure that keeps no writes commits the inbox row and the failure reply alone. A
 * route without an inbox (`@HandlesWithoutInbox`) is handed its message alone.
 */
@Injectable()
export class MessageDispatcher {
  constructor(
    private readonly dataSource: DataSource,
    private readonly inbox: Inbox,
    private readonly replies: CommandReplies,
    private readonly faults: FaultInjector,
  ) {}

  async dispatch(route: MessageRoute, envelope: Envelope): Promise<DispatchOutcome> {
    if (!route.inbox) {
      await route.invoke(envelope.payload, new MessageContext(envelope, this.dataSource.manager));
      return 'handled';
    }
    const outcome = await this.once(envelope, (manager) => this.run(route, envelope, manager));
    if (!(outcome instanceof Refusal)) return outcome;
    // A duplicate that slipped in between the two transactions finds the inbox row here.
    const refused = await this.once(envelope, () => Promise.resolve(outcome.reply));
    if (refused instanceof Refusal) throw new Error('a refusal cannot be refused again');
    return refused;
  }

  /** One transaction: the inbox row, then `handle`'s writes and its reply; a refusal rolls back. */
  private async once(
    envelope: Envelope,
    handle: (manager: EntityManager) => Promise<Reply | undefined>,
  ): Promise<DispatchOutcome | Refusal> {
    try {
      return await this.dataSource.transaction(async (manager) => {
        if (!(await this.inbox.record(manager, envelope.messageId))) {
          // Its sender may have lost the first reply: this re-send is how it gets it back.
          if (envelope.replyTo) await this.replies.answerAgain(envelope.messageId, manager);
          return 'duplicate';
        }
        const reply = await handle(manager);
        if (reply) await this.replies.send(reply.definition, reply.payload, envelope, manager);
        return 'handled';
      });
    } catch (error) {
      if (error instanceof Refusal) return error;
      throw error;
    }
  }

  private async run(
    route: MessageRoute,
    envelope: Envelope,
    manager: EntityManager,
  ): Promise<Reply | undefined> {
    const { definition } = route;
    const context = new MessageContext(envelope, manager);
    try {
      const refusal = this.faults.refusal(definition);
      if (refusal) throw refusal;
      // The handler's whole Nest pipeline runs here, inside this transaction.
      const result = await route.invoke(envelope.payload, context);
      return definition.kind === 'command' && !context.replyDeferred
        ? { definition: definition.reply, payload: result }
        : undefined;
    } catch (error) {
      if (!(error instanceof DomainError) || definition.kind !== 'command') throw error;
      const failure = this.replies.failureOf(definition, error, route.name);
      const reply = { definition: definition.failure, payload: failure };
      // Unless the error keeps them, the handler's writes go with the whole transaction.
      if (!error.keepWrites) throw new Refusal(reply);
      return reply;
    }
  }
}

import { Injectable } from '@nestjs/common';
import type { MessageDefinition, ReplyDefinition } from '@app/contracts';
import { DataSource, type EntityManager } from 'typeorm';
import { CommandReplies } from './command-replies.js';
import { DomainError } from './domain.error.js';
import type { Envelope } from './envelope.js';
import { FaultInjector } from './fault-injector.js';
import { Inbox } from './inbox.js';
import { MessageContext } from './message-context.js';
import { OutboxFlusher } from './outbox-flusher.js';

export type DispatchOutcome = 'handled' | 'duplicate';

/** A message type's handler, as the transport found it: its Nest pipeline behind `invoke`. */
export interface MessageRoute {
  definition: MessageDefinition;
  /** `CreditController.reserve`, for logs. */
  name: string;
  invoke(payload: unknown, context: MessageContext): Promise<unknown>;
}

interface Reply {
  definition: ReplyDefinition;
  payload: unknown;
}

/**
 * Handles one valid message in one transaction: the inbox row, the handler's writes and its reply
 * in the outbox commit together, or not at all. A duplicate is answered with the kept reply.
 */
@Injectable()
export class MessageDispatcher {
  constructor(
    private readonly dataSource: DataSource,
    private readonly inbox: Inbox,
    private readonly replies: CommandReplies,
    private readonly flusher: OutboxFlusher,
    private readonly faults: FaultInjector,
  ) {}

  dispatch(route: MessageRoute, envelope: Envelope): Promise<DispatchOutcome> {
    return this.dataSource.transaction(async (manager) => {
      if (!(await this.inbox.record(manager, envelope.messageId))) {
        // Its sender may have lost the first reply: this re-send is how it gets it back.
        if (envelope.replyTo) await this.replies.answerAgain(envelope.messageId, manager);
        return 'duplicate';
      }
      const reply = await this.run(route, envelope, manager);
      if (reply) await this.replies.send(reply.definition, reply.payload, envelope, manager);
      return 'handled';
    });
  }

  private async run(
    route: MessageRoute,
    envelope: Envelope,
    manager: EntityManager,
  ): Promise<Reply | undefined> {
    const { definition } = route;
    // A business failure undoes the handler's writes (unless it keeps them) but keeps the inbox
    // row and the failure reply.
    await manager.query('SAVEPOINT handler');
    const staged = this.flusher.mark(manager);
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
      if (!error.keepWrites) {
        await manager.query('ROLLBACK TO SAVEPOINT handler');
        this.flusher.rollbackTo(manager, staged);
      }
      return { definition: definition.failure, payload: failure };
    }
  }
}

import { Injectable, Logger } from '@nestjs/common';
import type { MessageDefinition, ReplyDefinition } from '@app/contracts';
import { DataSource, type EntityManager } from 'typeorm';
import { DomainError } from './domain.error.js';
import type { Envelope } from './envelope.js';
import { Inbox } from './inbox.js';
import { InvalidMessageError } from './invalid-message.error.js';
import { MessageBus } from './message-bus.js';
import { MessageContext } from './message-context.js';
import { MessagingMetrics } from './messaging-metrics.js';

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
 * in the outbox commit together, or not at all.
 */
@Injectable()
export class MessageDispatcher {
  private readonly logger = new Logger(MessageDispatcher.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly inbox: Inbox,
    private readonly bus: MessageBus,
    private readonly metrics: MessagingMetrics,
  ) {}

  dispatch(route: MessageRoute, envelope: Envelope): Promise<DispatchOutcome> {
    return this.dataSource.transaction(async (manager) => {
      if (!(await this.inbox.record(manager, envelope.messageId))) return 'duplicate';
      const reply = await this.run(route, envelope, manager);
      if (reply && envelope.replyTo)
        await this.bus.reply(reply.definition, reply.payload, envelope, manager);
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
    try {
      // The handler's whole Nest pipeline runs here, inside this transaction.
      const result = await route.invoke(envelope.payload, new MessageContext(envelope, manager));
      return definition.kind === 'command'
        ? { definition: definition.reply, payload: result }
        : undefined;
    } catch (error) {
      if (!(error instanceof DomainError) || definition.kind !== 'command') throw error;
      const failure = definition.failure.schema.safeParse({
        code: error.code,
        reason: error.message,
      });
      if (!failure.success) {
        throw new InvalidMessageError(
          `${route.name} failed with code ${error.code}, which ${definition.failure.type} does not list`,
        );
      }
      if (!error.keepWrites) await manager.query('ROLLBACK TO SAVEPOINT handler');
      this.metrics.countFailureReply(definition.type);
      this.logger.warn(`${definition.type} failed: ${error.code} (${error.message})`);
      return { definition: definition.failure, payload: failure.data };
    }
  }
}

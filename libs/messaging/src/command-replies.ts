import { Injectable, Logger } from '@nestjs/common';
import { context as otelContext, ROOT_CONTEXT, trace } from '@opentelemetry/api';
import type { CommandDefinition, PayloadOf, ReplyDefinition } from '@app/contracts';
import type { EntityManager } from 'typeorm';
import { DomainError } from './domain.error.js';
import { Inbox } from './inbox.js';
import { InvalidMessageError } from './invalid-message.error.js';
import { MessageBus, type ReplyAddress } from './message-bus.js';
import { continuingTrace } from './message-scope.js';
import { MessagingMetrics } from './messaging-metrics.js';
import { parseTraceparent } from './traceparent.js';

/**
 * Where a command's reply goes when its handler answers later, outside the delivery's transaction
 * (`MessageContext.deferReply()`): plain data, for the handler to keep with its own state.
 */
export interface DeferredReply extends ReplyAddress {
  /** The command's trace, which the late reply continues. */
  traceparent: string;
}

/** A command's outcome: its reply's payload, or the domain error that refused it. */
export type CommandOutcome<C extends CommandDefinition> = PayloadOf<C['reply']> | DomainError;

/**
 * Turns a command's outcome into its reply (or its failure reply), sends it through the outbox and
 * keeps it in the inbox, so a duplicate of the command is answered alike.
 */
@Injectable()
export class CommandReplies {
  private readonly logger = new Logger(CommandReplies.name);

  constructor(
    private readonly bus: MessageBus,
    private readonly inbox: Inbox,
    private readonly metrics: MessagingMetrics,
  ) {}

  /** The failure reply `error` stands for; a code the command's failure does not list is a bug. */
  failureOf(command: CommandDefinition, error: DomainError, handler: string): unknown {
    const failure = command.failure.schema.safeParse({ code: error.code, reason: error.message });
    if (!failure.success) {
      throw new InvalidMessageError(
        `${handler} failed with code ${error.code}, which ${command.failure.type} does not list`,
      );
    }
    this.metrics.countFailureReply(command.type);
    this.logger.warn(`${command.type} failed: ${error.code} (${error.message})`);
    return failure.data;
  }

  /** Sends `payload` as the reply to `to` (when it asked for one) and keeps it for duplicates. */
  async send(
    definition: ReplyDefinition,
    payload: unknown,
    to: ReplyAddress,
    manager: EntityManager,
  ): Promise<void> {
    if (!to.replyTo) return;
    await this.bus.reply(definition, payload, to, manager, { keep: true });
  }

  /** Answers a duplicate of `messageId` with the reply it was answered with, if any yet. */
  async answerAgain(messageId: string, manager: EntityManager): Promise<void> {
    const kept = await this.inbox.keptReply(manager, messageId);
    if (kept) await this.bus.replay(kept.envelope, 'replies', kept.routingKey, manager);
  }

  /**
   * Answers a command whose handler deferred its reply, in the caller's transaction (which should
   * also record the outcome): the reply is a child of the command's delivery, as a prompt one is,
   * whatever work this runs in.
   */
  answer<C extends CommandDefinition>(
    command: C,
    to: DeferredReply,
    outcome: CommandOutcome<C>,
    manager: EntityManager,
  ): Promise<void> {
    const delivery = parseTraceparent(to.traceparent);
    const parent = delivery
      ? trace.setSpanContext(ROOT_CONTEXT, { ...delivery, isRemote: false })
      : ROOT_CONTEXT;
    return otelContext.with(parent, () =>
      continuingTrace(to.traceparent, () =>
        outcome instanceof DomainError
          ? this.send(command.failure, this.failureOf(command, outcome, command.type), to, manager)
          : this.send(command.reply, outcome, to, manager),
      ),
    );
  }
}

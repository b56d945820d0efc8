import { Controller, Inject, type Type } from '@nestjs/common';
import type { ReplyDefinition } from '@app/contracts';
import { HandlesWithoutInbox, type MessageContext } from '@app/messaging';
import type { AnySagaDefinition } from './saga-definition.js';
import { SagaEngine } from './saga-engine.js';

/**
 * A controller whose one message handler takes every reply and failure the sagas' commands
 * declare and hands it to the engine. The reply types come from the definitions, so the class
 * is made per SagaModule; its handler is an ordinary Nest message handler like any other. It
 * needs no inbox: the engine ignores a reply its saga does not await (a duplicate is one) and
 * writes each transition in one statement fenced by the saga's version.
 */
export function sagaRepliesController(definitions: readonly AnySagaDefinition[]): Type {
  @Controller()
  class SagaRepliesController {
    constructor(@Inject(SagaEngine) private readonly engine: SagaEngine) {}

    @HandlesWithoutInbox(...repliesOf(definitions))
    handleReply(_reply: unknown, { envelope, manager }: MessageContext): Promise<void> {
      return this.engine.handleReply(envelope, manager);
    }
  }
  return SagaRepliesController;
}

function repliesOf(definitions: readonly AnySagaDefinition[]): ReplyDefinition[] {
  const byType = new Map<string, ReplyDefinition>();
  for (const definition of definitions) {
    for (const step of definition.steps) {
      for (const call of [step.invoke, step.compensation]) {
        if (!call) continue;
        byType.set(call.command.reply.type, call.command.reply);
        byType.set(call.command.failure.type, call.command.failure);
      }
    }
  }
  return [...byType.values()];
}

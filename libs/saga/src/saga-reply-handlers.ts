import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import type { ReplyDefinition } from '@app/contracts';
import { HandlerRegistry } from '@app/messaging';
import { SagaEngine } from './saga-engine.js';
import { SAGA_OPTIONS, type SagaModuleOptions } from './saga.options.js';

/** Registers the engine as the handler of every reply and failure the sagas' commands declare. */
@Injectable()
export class SagaReplyHandlers implements OnModuleInit {
  constructor(
    private readonly handlers: HandlerRegistry,
    private readonly engine: SagaEngine,
    @Inject(SAGA_OPTIONS) private readonly options: SagaModuleOptions,
  ) {}

  onModuleInit(): void {
    for (const reply of this.replies()) {
      this.handlers.add(reply, `${SagaEngine.name}.handleReply`, (_payload, context) =>
        this.engine.handleReply(context.envelope, context.manager),
      );
    }
  }

  private replies(): ReplyDefinition[] {
    const byType = new Map<string, ReplyDefinition>();
    for (const definition of this.options.definitions) {
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
}

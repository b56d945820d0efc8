import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import type { MessageDefinition } from '@app/contracts';
import { HANDLES_METADATA } from './handles.decorator.js';
import type { MessageContext } from './message-context.js';

export interface RegisteredHandler {
  definition: MessageDefinition;
  /** `CreditController.reserve`, for logs. */
  name: string;
  invoke(payload: unknown, context: MessageContext): Promise<unknown>;
}

/** Finds every `@Handles` method among the app's providers and controllers. */
@Injectable()
export class HandlerRegistry implements OnModuleInit {
  private readonly logger = new Logger(HandlerRegistry.name);
  private readonly handlers = new Map<string, RegisteredHandler>();

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
  ) {}

  onModuleInit(): void {
    const wrappers = [...this.discovery.getProviders(), ...this.discovery.getControllers()];
    for (const wrapper of wrappers) {
      const instance: unknown = wrapper.instance;
      if (!instance || typeof instance !== 'object' || !wrapper.isDependencyTreeStatic()) continue;
      const prototype = Object.getPrototypeOf(instance) as object;
      for (const method of this.scanner.getAllMethodNames(prototype)) {
        this.register(instance as Record<string, unknown>, method);
      }
    }
  }

  get(type: string): RegisteredHandler | undefined {
    return this.handlers.get(type);
  }

  get types(): string[] {
    return [...this.handlers.keys()];
  }

  /**
   * Registers a handler in code, for handlers known only at run time (a saga engine's replies).
   * Call it before the application bootstraps, e.g. in `onModuleInit`.
   */
  add(
    definition: MessageDefinition,
    name: string,
    invoke: (payload: unknown, context: MessageContext) => Promise<unknown>,
  ): void {
    const existing = this.handlers.get(definition.type);
    if (existing) {
      throw new Error(`${definition.type} has two handlers: ${existing.name} and ${name}`);
    }
    this.handlers.set(definition.type, { definition, name, invoke });
    this.logger.log(`${name} handles ${definition.type}`);
  }

  private register(instance: Record<string, unknown>, method: string): void {
    const fn = instance[method];
    if (typeof fn !== 'function') return;
    const definition = this.reflector.get<MessageDefinition | undefined>(HANDLES_METADATA, fn);
    if (!definition) return;
    this.add(
      definition,
      `${instance.constructor.name}.${method}`,
      async (payload, context) => (await fn.call(instance, payload, context)) as unknown,
    );
  }
}

import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants.js';
import { Ctx, MessagePattern, Payload } from '@nestjs/microservices';
import type { MessageDefinition, PayloadOf, ResultOf } from '@app/contracts';
import type { MessageContext } from './message-context.js';

/**
 * A method that handles `D`: a command's handler returns its success reply's payload, or
 * undefined once it called `context.deferReply()`.
 */
export type HandlerMethod<D extends MessageDefinition> = (
  payload: PayloadOf<D>,
  context: MessageContext<PayloadOf<D>>,
) => ResultOf<D> | undefined | Promise<ResultOf<D> | undefined>;

/** The pattern extras `@Handles` gives the transport: what each type is and who handles it. */
export const HANDLER_EXTRAS = 'sagaflowHandler';

export interface HandlerExtras {
  /** `CreditController.reserve`, for logs and dead-letter reasons. */
  name: string;
  definitions: ReadonlyMap<string, MessageDefinition>;
  /** False for `@HandlesWithoutInbox`: no inbox row, no transaction around the handler. */
  inbox: boolean;
}

/**
 * Marks a controller method as the Nest message handler (`@MessagePattern`) of one message type,
 * or of several that share it (a saga engine's replies). Deliveries reach it through Nest's
 * guards, interceptors, pipes and exception filters, inside one transaction with the inbox row
 * and the reply. Without parameter decorators the method gets `(payload, context)`, as if they
 * were `@Payload()` and `@Ctx()`; Nest alone would pass the payload only.
 */
export function Handles<D extends MessageDefinition[]>(...definitions: D) {
  return handles(definitions, true);
}

/**
 * Like `@Handles`, for a handler of replies or events that drops duplicates by its own state and
 * writes each outcome in one statement (a saga engine's replies: a reply not awaited is ignored,
 * and a transition is fenced by its version): it runs outside any transaction and records no
 * inbox row, which saves three round trips a message. Its context's manager is not transactional.
 */
export function HandlesWithoutInbox<D extends MessageDefinition[]>(...definitions: D) {
  for (const definition of definitions) {
    // A command's reply must be kept for its duplicates: that takes the inbox.
    if (definition.kind === 'command') {
      throw new Error(`${definition.type} is a command: its handler needs the inbox (@Handles)`);
    }
  }
  return handles(definitions, false);
}

function handles<D extends MessageDefinition[]>(definitions: D, inbox: boolean) {
  return <M extends HandlerMethod<D[number]>>(
    target: object,
    key: string | symbol,
    descriptor: TypedPropertyDescriptor<M>,
  ): void => {
    const extras: HandlerExtras = {
      name: `${target.constructor.name}.${String(key)}`,
      definitions: new Map(definitions.map((definition) => [definition.type, definition])),
      inbox,
    };
    MessagePattern(
      definitions.map((definition) => definition.type),
      { [HANDLER_EXTRAS]: extras },
    )(target, key, descriptor);
    // Parameter decorators run before method decorators: if there are none, add the defaults.
    if (!Reflect.hasOwnMetadata(ROUTE_ARGS_METADATA, target.constructor, key)) {
      Payload()(target, key, 0);
      Ctx()(target, key, 1);
    }
  };
}

/** What `@Handles` said about a handler, from the extras Nest hands the transport. */
export function handlerExtrasOf(
  extras: Record<string, unknown> | undefined,
): HandlerExtras | undefined {
  return extras?.[HANDLER_EXTRAS] as HandlerExtras | undefined;
}

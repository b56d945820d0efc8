import { SetMetadata } from '@nestjs/common';
import type { MessageDefinition, PayloadOf, ResultOf } from '@app/contracts';
import type { MessageContext } from './message-context.js';

export const HANDLES_METADATA = 'sagaflow:handles';

/** A method that handles `D`: a command's handler returns its success reply's payload. */
export type HandlerMethod<D extends MessageDefinition> = (
  payload: PayloadOf<D>,
  context: MessageContext<PayloadOf<D>>,
) => ResultOf<D> | Promise<ResultOf<D>>;

/**
 * Marks a provider or controller method as the handler of a message type. Deliveries from the
 * queues the app consumes reach it inside one transaction with the inbox row and the reply.
 */
export function Handles<D extends MessageDefinition>(definition: D) {
  return <M extends HandlerMethod<D>>(
    target: object,
    key: string | symbol,
    descriptor: TypedPropertyDescriptor<M>,
  ): void => {
    SetMetadata(HANDLES_METADATA, definition)(target, key, descriptor);
  };
}

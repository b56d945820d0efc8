import type { PreRequestHook } from '@nestjs/common';
import { catchError, throwError } from 'rxjs';
import { MessageContext } from './message-context.js';

/** What each delivery's Nest pipeline threw, before the exception filters saw it. */
const thrown = new WeakMap<MessageContext, unknown>();

/**
 * Wraps every message handler's pipeline (guards, interceptors, pipes, handler) and remembers
 * what it threw. The filters still see that error; but Nest's default RPC filter answers an
 * unknown one with `{ status: 'error', message: 'Internal server error' }`, and the transport
 * needs the original to tell a `DomainError` (failure reply) from anything else (retried).
 */
export const keepThrownError: PreRequestHook = (context, next) => {
  const messageContext = context.switchToRpc().getContext<unknown>();
  if (!(messageContext instanceof MessageContext)) return next();
  return next().pipe(
    catchError((error: unknown) => {
      thrown.set(messageContext, error);
      return throwError(() => error);
    }),
  );
};

/**
 * The error a delivery failed with, from what its exception filters emitted: an `Error` as it is
 * (the original passed on, or the one a filter chose); else (Nest's serialized RPC error) the
 * original the pipeline threw.
 */
export function failureOf(context: MessageContext, emitted: unknown): Error {
  if (emitted instanceof Error) return emitted;
  const original = thrown.get(context);
  if (original instanceof Error) return original;
  return new Error(describe(original ?? emitted));
}

function describe(value: unknown): string {
  if (typeof value === 'object' && value !== null && 'message' in value) {
    return String(value.message);
  }
  return typeof value === 'string' ? value : JSON.stringify(value);
}

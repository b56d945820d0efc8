import type { IncomingMessage } from 'node:http';
import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { newSpanId, newTraceId } from '@app/tracing';

/** What the gateway passes on to every service a request reaches. */
export interface ForwardedContext {
  requestId: string;
  traceparent: string;
  authorization?: string;
}

/** The logger's genReqId sets `id` before any route runs. */
type RequestWithId = IncomingMessage & { id?: string | number };

const TRACEPARENT = /^00-(?!0{32})[0-9a-f]{32}-(?!0{16})[0-9a-f]{16}-[0-9a-f]{2}$/;

/** The caller's request id, W3C trace context (started here when the caller sent none) and token. */
export const Forwarded = createParamDecorator(
  (_data: unknown, context: ExecutionContext): ForwardedContext =>
    forwardedContextOf(context.switchToHttp().getRequest<RequestWithId>()),
);

export function forwardedContextOf(request: RequestWithId): ForwardedContext {
  const { traceparent, authorization } = request.headers;
  return {
    requestId: String(request.id),
    traceparent:
      typeof traceparent === 'string' && TRACEPARENT.test(traceparent)
        ? traceparent
        : newTraceparent(),
    ...(authorization ? { authorization } : {}),
  };
}

export function newTraceparent(): string {
  return `00-${newTraceId()}-${newSpanId()}-01`;
}

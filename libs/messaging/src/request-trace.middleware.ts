import { Injectable, type NestMiddleware } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { requestTrace } from './message-scope.js';
import { parseTraceparent } from './traceparent.js';

/**
 * Carries a caller's W3C `traceparent` into what the request sends: a saga started over HTTP
 * continues the caller's trace through every command and reply.
 */
@Injectable()
export class RequestTraceMiddleware implements NestMiddleware {
  use(req: IncomingMessage, _res: ServerResponse, next: () => void): void {
    const header = req.headers.traceparent;
    const traceparent = typeof header === 'string' && parseTraceparent(header) ? header : undefined;
    if (traceparent) requestTrace.run(traceparent, next);
    else next();
  }
}

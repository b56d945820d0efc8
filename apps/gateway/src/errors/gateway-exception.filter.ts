import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  Catch,
  HttpException,
  Logger,
  type ArgumentsHost,
  type ExceptionFilter,
} from '@nestjs/common';
import { errorBodyOf } from './error-body.js';
import { GatewayError } from './gateway.error.js';

const REQUEST_ID_HEADER = 'x-request-id';

type RequestWithId = IncomingMessage & { id?: string | number };

/** Every error of every route (and of the body parser before it) leaves in one shape. */
@Catch()
export class GatewayExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger(GatewayExceptionFilter.name);

  catch(exception: unknown, host: ArgumentsHost): void {
    // Not a request (a message handler's error, say): passed on untouched to whoever handles it.
    if (host.getType() !== 'http') throw exception;
    const http = host.switchToHttp();
    const request = http.getRequest<RequestWithId>();
    const response = http.getResponse<ServerResponse>();
    if (response.headersSent) {
      // A stream already under way cannot change its status; end it so the client sees the break.
      this.logger.warn(`Response broken off after its headers: ${String(exception)}`);
      response.end();
      return;
    }
    const requestId = requestIdOf(request, response);
    const body = errorBodyOf(exception, requestId);
    if (!(exception instanceof GatewayError || exception instanceof HttpException)) {
      // A bug, not an answer: the stack goes to the log (with the request id), never to the client.
      const stack = exception instanceof Error ? exception.stack : String(exception);
      this.logger.error(`${request.method} ${request.url} failed`, stack);
    }
    response.statusCode = body.statusCode;
    const retryAfter = exception instanceof GatewayError ? exception.retryAfterSeconds : undefined;
    if (retryAfter !== undefined) response.setHeader('retry-after', String(retryAfter));
    response.setHeader('content-type', 'application/json; charset=utf-8');
    response.end(JSON.stringify(body));
  }
}

/**
 * The id the logger gave the request. The body parser runs before the logging middleware, so a
 * malformed or oversized body arrives here without one: take the caller's or make one.
 */
function requestIdOf(request: RequestWithId, response: ServerResponse): string {
  if (request.id !== undefined) return String(request.id);
  const given = request.headers[REQUEST_ID_HEADER];
  const id = typeof given === 'string' && /^[\w.:-]{1,128}$/.test(given) ? given : randomUUID();
  request.id = id;
  response.setHeader(REQUEST_ID_HEADER, id);
  return id;
}

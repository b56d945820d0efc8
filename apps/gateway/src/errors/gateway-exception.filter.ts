import {
  Catch,
  HttpException,
  Logger,
  type ArgumentsHost,
  type ExceptionFilter,
} from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { errorBodyOf } from './error-body.js';
import { GatewayError } from './gateway.error.js';

/** Every error of every route (and of the body parser before it) leaves in one shape. */
@Catch()
export class GatewayExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger(GatewayExceptionFilter.name);

  catch(exception: unknown, host: ArgumentsHost): void {
    // Not a request (a message handler's error, say): passed on untouched to whoever handles it.
    if (host.getType() !== 'http') throw exception;
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    if (reply.raw.headersSent) {
      // A stream already under way cannot change its status; end it so the client sees the break.
      this.logger.warn(`Response broken off after its headers: ${String(exception)}`);
      reply.raw.end();
      return;
    }
    // Every request has its id from the HTTP server, even one refused before routing.
    const body = errorBodyOf(exception, request.id);
    if (!(exception instanceof GatewayError || exception instanceof HttpException)) {
      // A bug, not an answer: the stack goes to the log (with the request id), never to the client.
      const stack = exception instanceof Error ? exception.stack : String(exception);
      this.logger.error(`${request.method} ${request.url} failed`, stack);
    }
    const retryAfter = exception instanceof GatewayError ? exception.retryAfterSeconds : undefined;
    if (retryAfter !== undefined) reply.header('retry-after', String(retryAfter));
    void reply
      .status(body.statusCode)
      .header('content-type', 'application/json; charset=utf-8')
      .send(JSON.stringify(body));
  }
}

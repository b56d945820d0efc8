import { STATUS_CODES } from 'node:http';
import { Catch, HttpStatus, Logger, type ArgumentsHost } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import { BaseRpcExceptionFilter } from '@nestjs/microservices';
import { throwError, type Observable } from 'rxjs';
import { transientFailureOf } from './transient-failure.js';

/** A busy pool frees up, and a restarting database is back, in about this many seconds. */
const RETRY_AFTER_SECONDS = 1;

/**
 * A request that met a busy, contended or restarting database answers 503 with `Retry-After`,
 * not 500: the same request succeeds a moment later, and a 500 would tell the caller (and the
 * gateway's circuit breaker) that the service is broken. Every other error goes on to Nest's
 * own handling, as it would without this filter. A message handler's transient failure goes
 * back to the transport as it is, unlogged: the transport retries it and logs a warning, where
 * Nest's RPC handling would log it again as an error with its stack.
 */
@Catch()
export class DatabaseBusyFilter extends BaseExceptionFilter {
  private readonly logger = new Logger(DatabaseBusyFilter.name);
  private readonly messageErrors = new BaseRpcExceptionFilter();

  override catch(error: unknown, host: ArgumentsHost): void | Observable<unknown> {
    const failure = transientFailureOf(error);
    if (host.getType() !== 'http') {
      return failure ? throwError(() => error) : this.messageErrors.catch(error, host);
    }
    const response: unknown = host.switchToHttp().getResponse();
    // The app's HTTP server, as Nest's own handling finds it.
    const http = this.applicationRef ?? this.httpAdapterHost?.httpAdapter;
    if (!failure || !http || http.isHeadersSent(response)) return super.catch(error, host);
    this.logger.warn(`Answered 503, the database met ${failure}: ${String(error)}`);
    const status = HttpStatus.SERVICE_UNAVAILABLE;
    http.setHeader(response, 'retry-after', String(RETRY_AFTER_SECONDS));
    http.reply(
      response,
      {
        statusCode: status,
        error: STATUS_CODES[status],
        message: 'The database is busy or restarting; retry shortly',
        code: 'DATABASE_BUSY',
      },
      status,
    );
  }
}

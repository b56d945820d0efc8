import { STATUS_CODES } from 'node:http';
import { Catch, HttpStatus, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import {
  IdempotencyConflictError,
  SagaAlreadyRunningError,
  SagaNotFoundError,
  SagaTransitionError,
} from '@app/saga';
import { DeadLetterConflictError } from '../dead-letters/dead-letter-conflict.error.js';
import { DeadLetterNotFoundError } from '../dead-letters/dead-letter-not-found.error.js';

/** The orchestrator's domain errors a caller can cause, and the HTTP status each one answers. */
const STATUS_OF = [
  [SagaNotFoundError, HttpStatus.NOT_FOUND],
  [SagaTransitionError, HttpStatus.CONFLICT],
  [IdempotencyConflictError, HttpStatus.UNPROCESSABLE_ENTITY],
  [SagaAlreadyRunningError, HttpStatus.CONFLICT],
  [DeadLetterNotFoundError, HttpStatus.NOT_FOUND],
  [DeadLetterConflictError, HttpStatus.CONFLICT],
] as const;

type SagaHttpError = InstanceType<(typeof STATUS_OF)[number][0]>;

/**
 * Turns the domain errors of the orchestrator's routes into HTTP answers, in the error body of
 * every app (`{ statusCode, error, message }`, plus the `code` an error carries), so the
 * controllers call the engine without a try/catch of their own.
 */
@Catch(...STATUS_OF.map(([error]) => error))
export class SagaErrorsFilter implements ExceptionFilter<SagaHttpError> {
  catch(error: SagaHttpError, host: ArgumentsHost): void {
    const status = STATUS_OF.find(([type]) => error instanceof type)?.[1] ?? HttpStatus.CONFLICT;
    const body = {
      statusCode: status,
      error: STATUS_CODES[status],
      message: error.message,
      ...('code' in error ? { code: error.code } : {}),
    };
    void host.switchToHttp().getResponse<FastifyReply>().status(status).send(body);
  }
}

import type { ArgumentsHost } from '@nestjs/common';
import { describe, expect, it } from '@jest/globals';
import { IdempotencyConflictError, SagaNotFoundError, SagaTransitionError } from '@app/saga';
import { DeadLetterConflictError } from '../dead-letters/dead-letter-conflict.error.js';
import { DeadLetterNotFoundError } from '../dead-letters/dead-letter-not-found.error.js';
import { SagaErrorsFilter } from './saga-errors.filter.js';

/** What the filter answered: the status and the body. */
function answerTo(error: Error): { status: number; body: unknown } {
  const written: { status: number; body: unknown } = { status: 0, body: undefined };
  // What the filter uses of Fastify's reply.
  const response = {
    status(status: number) {
      written.status = status;
      return this;
    },
    send(body: unknown) {
      written.body = body;
      return this;
    },
  };
  const host = {
    switchToHttp: () => ({ getResponse: () => response }),
  } as unknown as ArgumentsHost;
  new SagaErrorsFilter().catch(error, host);
  return written;
}

describe(SagaErrorsFilter.name, () => {
  it('answers 404 for a saga that does not exist', () => {
    expect(answerTo(new SagaNotFoundError('s-1'))).toEqual({
      status: 404,
      body: { statusCode: 404, error: 'Not Found', message: 'Saga s-1 does not exist' },
    });
  });

  it('answers 409 for a transition the saga does not allow', () => {
    expect(answerTo(new SagaTransitionError('Saga s-1 is COMPLETED'))).toEqual({
      status: 409,
      body: { statusCode: 409, error: 'Conflict', message: 'Saga s-1 is COMPLETED' },
    });
  });

  it('answers 422 for an idempotency key reused with another request, without echoing the key', () => {
    expect(answerTo(new IdempotencyConflictError('k-1'))).toEqual({
      status: 422,
      body: {
        statusCode: 422,
        error: 'Unprocessable Entity',
        message: 'This Idempotency-Key was already used with a different request',
      },
    });
  });

  it('answers 404 and 409 for dead letters, with the conflict code', () => {
    expect(answerTo(new DeadLetterNotFoundError('d-1')).status).toBe(404);
    expect(
      answerTo(new DeadLetterConflictError('d-1', 'dead-letter.already-resolved', 'resolved')),
    ).toEqual({
      status: 409,
      body: {
        statusCode: 409,
        error: 'Conflict',
        message: 'resolved',
        code: 'dead-letter.already-resolved',
      },
    });
  });
});

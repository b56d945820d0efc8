import { describe, expect, it } from '@jest/globals';
import {
  BadRequestException,
  NotFoundException,
  ServiceUnavailableException,
} from '@nestjs/common';
import { ValidationFailedException } from '@app/validation';
import { errorBodyOf } from './error-body.js';
import {
  UpstreamResponseError,
  UpstreamTimeoutError,
  UpstreamUnavailableError,
} from './gateway.error.js';

const requestId = 'req-1';

describe(errorBodyOf.name, () => {
  it('says nothing about an unknown error but its request id', () => {
    const body = errorBodyOf(new Error('password authentication failed for user x'), requestId);
    expect(body).toEqual({
      statusCode: 500,
      error: 'Internal Server Error',
      message: 'Internal server error',
      requestId,
    });
  });

  it('keeps the details of a validation error', () => {
    const details = [{ field: 'total.amount', message: 'must be greater than zero' }];
    expect(errorBodyOf(new ValidationFailedException('Invalid order', details), requestId)).toEqual(
      {
        statusCode: 400,
        error: 'Bad Request',
        message: 'Invalid order',
        requestId,
        details,
      },
    );
  });

  it('turns the framework exceptions into the same shape', () => {
    expect(errorBodyOf(new NotFoundException('Order x not found'), requestId)).toEqual({
      statusCode: 404,
      error: 'Not Found',
      message: 'Order x not found',
      requestId,
    });
    expect(errorBodyOf(new BadRequestException(), requestId)).toMatchObject({
      statusCode: 400,
      message: 'Bad Request',
    });
    expect(
      errorBodyOf(new ServiceUnavailableException({ status: 'error', details: {} }), requestId),
    ).toMatchObject({ statusCode: 503, message: 'Service Unavailable', details: {} });
  });

  it('answers 503 for an unreachable service and 504 for a slow one', () => {
    expect(errorBodyOf(new UpstreamUnavailableError('order'), requestId).statusCode).toBe(503);
    expect(errorBodyOf(new UpstreamTimeoutError('order'), requestId).statusCode).toBe(504);
  });

  it("passes a service's 4xx on and hides its own failures behind 502", () => {
    const conflict = new UpstreamResponseError('saga-orchestrator', 422, 'Key reused', [
      { field: 'total' },
    ]);
    expect(errorBodyOf(conflict, requestId)).toEqual({
      statusCode: 422,
      error: 'Unprocessable Entity',
      message: 'Key reused',
      requestId,
      details: [{ field: 'total' }],
    });
    const failure = new UpstreamResponseError('order', 500, 'relation "orders" does not exist');
    expect(errorBodyOf(failure, requestId)).toEqual({
      statusCode: 502,
      error: 'Bad Gateway',
      message: 'order failed to answer the request',
      requestId,
    });
  });
});

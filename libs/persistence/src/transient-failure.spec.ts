import { describe, expect, it } from '@jest/globals';
import { QueryFailedError } from 'typeorm';
import { transientFailureOf } from './transient-failure.js';

/** An error as pg builds one from a server's ErrorResponse: a message and a SQLSTATE. */
function databaseError(code: string, message = `server said ${code}`): Error {
  return Object.assign(new Error(message), { code });
}

/** A pg error as TypeORM hands it on from a failed query. */
function queryFailed(code: string): QueryFailedError {
  return new QueryFailedError('SELECT 1', [], databaseError(code));
}

describe(transientFailureOf.name, () => {
  it.each([
    ['55P03', 'lock-timeout'],
    ['40001', 'conflict'],
    ['40P01', 'conflict'],
    ['57P01', 'unavailable'],
    ['57P02', 'unavailable'],
    ['57P03', 'unavailable'],
    ['53300', 'unavailable'],
    ['08006', 'unavailable'],
    ['08P01', 'unavailable'],
  ])('retries SQLSTATE %s as %s, however TypeORM wraps it', (code, expected) => {
    expect(transientFailureOf(databaseError(code))).toBe(expected);
    expect(transientFailureOf(queryFailed(code))).toBe(expected);
  });

  it('retries a pool whose connections are all taken', () => {
    expect(transientFailureOf(new Error('timeout exceeded when trying to connect'))).toBe(
      'pool-busy',
    );
  });

  it('retries a connection lost under a query, or never made', () => {
    expect(transientFailureOf(new Error('Connection terminated unexpectedly'))).toBe('unavailable');
    expect(
      transientFailureOf(
        new Error('Connection terminated due to connection timeout', { cause: new Error('x') }),
      ),
    ).toBe('unavailable');
    expect(transientFailureOf(databaseError('ECONNREFUSED', 'connect ECONNREFUSED'))).toBe(
      'unavailable',
    );
    expect(transientFailureOf(databaseError('ECONNRESET', 'read ECONNRESET'))).toBe('unavailable');
  });

  it('follows the cause of an error that wraps a transient one', () => {
    const wrapped = new Error('reserving credit failed', { cause: queryFailed('40P01') });
    expect(transientFailureOf(wrapped)).toBe('conflict');
  });

  it.each([
    ['a handler bug', new TypeError("Cannot read properties of undefined (reading 'id')")],
    ['a constraint the handler broke', databaseError('23505')],
    ['a query TypeORM could not run', queryFailed('42P01')],
    ['a statement cancelled by statement_timeout', databaseError('57014')],
    ['a plain error that only mentions a deadlock', new Error('deadlock detected')],
    ['a plain error that only mentions a reset', new Error('connection reset')],
  ])('counts %s as an attempt', (_what, error) => {
    expect(transientFailureOf(error)).toBeUndefined();
  });

  it('counts what is not an error at all', () => {
    expect(transientFailureOf('timeout exceeded when trying to connect')).toBeUndefined();
    expect(transientFailureOf(undefined)).toBeUndefined();
  });

  it('stops following causes that loop', () => {
    const looping: Error & { cause?: unknown } = new Error('wraps itself');
    looping.cause = looping;
    expect(transientFailureOf(looping)).toBeUndefined();
  });
});

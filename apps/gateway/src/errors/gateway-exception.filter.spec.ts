import { describe, expect, it } from '@jest/globals';
import type { ArgumentsHost } from '@nestjs/common';
import { GatewayExceptionFilter } from './gateway-exception.filter.js';
import { UpstreamResponseError, UpstreamUnavailableError } from './gateway.error.js';

/** What the filter uses of Fastify's reply, recorded. */
class FakeReply {
  statusCode = 200;
  headers: Record<string, string> = {};
  body?: string;
  readonly raw = { headersSent: false, ended: false, end: () => (this.raw.ended = true) };
  status(code: number) {
    this.statusCode = code;
    return this;
  }
  header(name: string, value: string) {
    this.headers[name] = value;
    return this;
  }
  send(body: string) {
    this.body = body;
    return this;
  }
}

function hostOf(request: object, response: FakeReply, type = 'http'): ArgumentsHost {
  return {
    getType: () => type,
    switchToHttp: () => ({ getRequest: () => request, getResponse: () => response }),
  } as unknown as ArgumentsHost;
}

describe(GatewayExceptionFilter.name, () => {
  const filter = new GatewayExceptionFilter();

  it('answers JSON with the request id the HTTP server gave the request', () => {
    const response = new FakeReply();
    filter.catch(new Error('boom'), hostOf({ id: 'req-7', headers: {}, method: 'GET' }, response));
    expect(response.statusCode).toBe(500);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    expect(JSON.parse(response.body ?? '')).toEqual({
      statusCode: 500,
      error: 'Internal Server Error',
      message: 'Internal server error',
      requestId: 'req-7',
    });
  });

  it('tells the client when to try an unavailable service again', () => {
    const response = new FakeReply();
    const unavailable = new UpstreamUnavailableError('credit', 'no-healthy-instance', 5);
    filter.catch(unavailable, hostOf({ id: 'r-9', headers: {}, method: 'GET' }, response));
    expect(response.statusCode).toBe(503);
    expect(response.headers['retry-after']).toBe('5');
    expect(JSON.parse(response.body ?? '')).toEqual({
      statusCode: 503,
      error: 'Service Unavailable',
      message: 'The credit service is unavailable: it has no healthy instance; try again later',
      requestId: 'r-9',
    });
  });

  it("passes on a busy service's Retry-After, and sets none for its other failures", () => {
    const busy = new FakeReply();
    const answered = new UpstreamResponseError('order', 503, 'busy', undefined, '3');
    filter.catch(answered, hostOf({ id: 'r-7', headers: {}, method: 'POST' }, busy));
    expect(busy.statusCode).toBe(503);
    expect(busy.headers['retry-after']).toBe('3');
    expect(JSON.parse(busy.body ?? '')).toMatchObject({
      message: 'The order service is busy; try again later',
    });
    const failed = new FakeReply();
    filter.catch(
      new UpstreamResponseError('order', 500, 'boom'),
      hostOf({ id: 'r-8', headers: {}, method: 'POST' }, failed),
    );
    expect(failed.statusCode).toBe(502);
    expect(failed.headers['retry-after']).toBeUndefined();
  });

  it("passes on, untouched, an error that is not an HTTP request's", () => {
    const response = new FakeReply();
    const error = new Error('deadlock detected');
    expect(() => filter.catch(error, hostOf({}, response, 'rpc'))).toThrow(error);
    expect(response.body).toBeUndefined();
  });

  it('ends a stream whose headers are gone rather than writing a second answer', () => {
    const response = new FakeReply();
    response.raw.headersSent = true;
    filter.catch(new Error('upstream reset'), hostOf({ id: 'r', headers: {} }, response));
    expect(response.statusCode).toBe(200);
    expect(response.body).toBeUndefined();
    expect(response.raw.ended).toBe(true);
  });
});

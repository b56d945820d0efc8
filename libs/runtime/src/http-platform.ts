import { STATUS_CODES, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyError, FastifyReply, FastifyRequest, RawServerDefault } from 'fastify';
import { REQUEST_ID_HEADER, requestIdOf } from '@app/logging';
import { HttpMetrics } from '@app/metrics';
import { nameServerSpan } from '@app/tracing';

/** A JSON body's limit where an app sets none. */
export const DEFAULT_BODY_LIMIT = 100 * 1024;

export interface HttpPlatformOptions {
  /** Largest request body in bytes; anything bigger gets 413 before it is read to the end. */
  bodyLimit?: number;
  /** Proxies in front whose X-Forwarded-For names the client (the gateway's TRUST_PROXY_HOPS). */
  trustProxyHops?: number;
  /** Answers a request Node could not parse (a malformed request line, too many headers). */
  clientErrorHandler?: (error: Error & { code?: string }, socket: Duplex) => void;
}

/**
 * Every app serves HTTP on Fastify: measured on the gateway's liveness probe, Express 5 spent
 * about twice Fastify's CPU on a request (docs/architecture.md, "Measured"). Fastify's own
 * logger stays off: pino-http (`@app/logging`) writes the access log. A request's id is the
 * caller's `x-request-id` when it is a sane one, so one id follows a request through every app.
 */
export function httpPlatform(options: HttpPlatformOptions = {}): FastifyAdapter {
  return new FastifyAdapter({
    logger: false,
    bodyLimit: options.bodyLimit ?? DEFAULT_BODY_LIMIT,
    trustProxy: trustedHops(options.trustProxyHops ?? 0),
    genReqId: requestIdOf,
    routerOptions: {
      // `/api/orders/` is `/api/orders`, as it was on Express.
      ignoreTrailingSlash: true,
      // A longer parameter (an id, an encoded step name) reaches its route and gets the route's
      // own 400; beyond Fastify's default of 100 characters it would be a bare 404.
      maxParamLength: 2048,
    },
    frameworkErrors: answerRoutingError,
    ...(options.clientErrorHandler ? { clientErrorHandler: options.clientErrorHandler } : {}),
  });
}

/**
 * A URL Fastify's router refuses before any hook runs (a malformed escape, a parameter past
 * `maxParamLength`) is answered in the apps' error shape, with its request id, instead of
 * Fastify's own body echoing the whole path.
 */
function answerRoutingError(
  error: FastifyError,
  request: FastifyRequest,
  reply: FastifyReply,
): void {
  const status = error.code === 'FST_ERR_MAX_PARAM_LENGTH' ? 414 : 400;
  const message = status === 414 ? 'A segment of the URL is too long' : 'The URL is malformed';
  void reply
    .code(status)
    .header(REQUEST_ID_HEADER, request.id)
    .header('x-content-type-options', 'nosniff')
    .send({ statusCode: status, error: STATUS_CODES[status], message, requestId: request.id });
}

/**
 * What every request gets before anything else runs (middleware, body parsing, guards): its id
 * echoed in `x-request-id`, its timing in the request metrics, and its trace span named by the
 * route it matched. Headers go on the Node response, so answers written to it directly (event
 * streams, middleware) carry them too. Then its body is read: JSON only.
 */
export function configureHttp(app: NestFastifyApplication): void {
  const metrics = app.get(HttpMetrics);
  const adapter = app.getHttpAdapter() as FastifyAdapter;
  const server = adapter.getInstance();
  // The API takes JSON only: any other body (plain text too, which Fastify reads by default)
  // gets 415. A POST without a body but with the JSON content type (an action such as a replay,
  // sent by a client that sets the header on every call) is an empty object, not Fastify's 400.
  server.removeContentTypeParser('text/plain');
  const parseJson = server.getDefaultJsonParser('error', 'error');
  app.useBodyParser<RawServerDefault>(
    'application/json',
    { bodyLimit: server.initialConfig.bodyLimit },
    (request, body, done) => {
      if (body.length === 0) done(null, {});
      else void parseJson(request, body.toString(), done);
    },
  );
  server.addHook('onSend', async (request, reply, payload) => {
    if (reply.statusCode === 413) await readToEnd(request.raw);
    return payload;
  });
  // The adapter's own `onRequest` hook runs before middleware (middie's hook), so a request that
  // middleware answers (a preflight, a refusal) is counted and carries its id too.
  adapter.setOnRequestHook((request, reply, done) => {
    reply.raw.setHeader(REQUEST_ID_HEADER, request.id);
    const route = request.routeOptions.url;
    metrics.track(request.method, route, reply.raw);
    if (route !== undefined) nameServerSpan(request.method, route);
    done();
  });
}

/** How much of a refused body is read and dropped, at most, before its 413 leaves. */
const DRAIN_BYTES = 16 * 1024 * 1024;
const DRAIN_MS = 10_000;

/**
 * Fastify answers a body past the limit at once and closes the connection. A client still
 * sending it then meets a reset (EPIPE) instead of the 413; body-parser read the rest first. So
 * the rest is read and dropped before the answer leaves, up to DRAIN_BYTES or DRAIN_MS: beyond
 * that the connection is closed on it as before.
 */
function readToEnd(request: IncomingMessage): Promise<void> {
  if (request.complete || request.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    let read = 0;
    const finish = (): void => {
      clearTimeout(timer);
      request.off('data', onData).off('end', finish).off('close', finish).off('error', finish);
      resolve();
    };
    const onData = (chunk: Buffer): void => {
      read += chunk.length;
      if (read > DRAIN_BYTES) finish();
    };
    const timer = setTimeout(finish, DRAIN_MS);
    request.on('data', onData).once('end', finish).once('close', finish).once('error', finish);
    request.resume();
  });
}

/**
 * The client's address is the one the first `hops` proxies report (X-Forwarded-For, nearest
 * first); none trusted by default. Fastify takes a bare number as trusting no proxy at all, so
 * the count is a function of the hop.
 */
function trustedHops(hops: number): false | ((address: string, hop: number) => boolean) {
  return hops > 0 ? (_address, hop) => hop < hops : false;
}

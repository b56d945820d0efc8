import type { Readable } from 'node:stream';
import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import {
  BrokenCircuitError,
  ConsecutiveBreaker,
  circuitBreaker,
  handleWhen,
  type CircuitBreakerPolicy,
} from 'cockatiel';
import { Agent, type Dispatcher } from 'undici';
import { isTracing } from '@app/tracing';
import { GATEWAY_CONFIG, type GatewayConfig } from '../gateway.config.js';
import {
  UpstreamResponseError,
  UpstreamTimeoutError,
  UpstreamUnavailableError,
} from '../errors/gateway.error.js';
import type { ForwardedContext } from './forwarded-context.js';
import { ServiceDirectory, type ServiceInstance, type ServiceName } from './service-directory.js';

export interface UpstreamRequest {
  method: 'GET' | 'POST';
  path: string;
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  headers?: Record<string, string>;
  /** This route's timeout per attempt; the gateway's UPSTREAM_TIMEOUT_MS when unset. */
  timeoutMs?: number;
}

export interface UpstreamAnswer<T> {
  status: number;
  body: T;
}

/** A response body still arriving; `close()` hangs up on the service. */
export interface UpstreamStream {
  body: Readable;
  close(): void;
}

/** An answer whose headers have arrived; its body is still to be read (or relayed). */
type UpstreamResponse = Dispatcher.ResponseData;

/**
 * Why a relayed stream is hung up on: its client left. One reason for every stream, since
 * `abort()` without one builds a DOMException, and its stack trace, on each stream's close.
 */
const CLIENT_CLOSED = new Error('the client closed the stream');

/** Errors of a connection that never opened: the request did not reach the service. */
const NOT_CONNECTED = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/**
 * Calls a service over HTTP with the caller's context, on an instance the directory picks.
 * A request that never reached an instance fails over to another; an idempotent one (GET, or a
 * POST with an Idempotency-Key) is also retried after a reset or a 5xx. Each outcome is reported
 * for passive ejection, and a circuit breaker per service fails fast while a service is down.
 * Failures become gateway errors: no answer is 503, a slow one 504, an error answer keeps its
 * 4xx (or becomes 502).
 *
 * Requests go through undici's own dispatcher, not `fetch`: the same keep-alive connection pool
 * per instance, without fetch's Request/Response objects and web streams, which cost the gateway
 * more CPU per proxied request than anything else it does.
 */
@Injectable()
export class UpstreamClient implements OnApplicationShutdown {
  private readonly logger = new Logger(UpstreamClient.name);
  /** A keep-alive pool per instance (origin), made on its first request. */
  private readonly connections = new Agent();
  private readonly timeoutMs: number;
  private readonly retries: number;
  private readonly breakers = new Map<ServiceName, CircuitBreakerPolicy>();
  /** Seconds a 503 tells the client to wait: until the next check, or the circuit's next try. */
  private readonly retryAfter: { noHealthyInstance: number; circuitOpen: number };

  constructor(
    private readonly directory: ServiceDirectory,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {
    this.timeoutMs = config.UPSTREAM_TIMEOUT_MS;
    this.retries = config.UPSTREAM_RETRIES;
    this.retryAfter = {
      noHealthyInstance: secondsOf(config.DISCOVERY_HEALTH_INTERVAL_MS),
      circuitOpen: secondsOf(config.UPSTREAM_BREAKER_HALF_OPEN_MS),
    };
  }

  /** A JSON request answered with JSON, within the route's timeout. */
  json<T>(
    service: ServiceName,
    request: UpstreamRequest,
    context: ForwardedContext,
  ): Promise<UpstreamAnswer<T>> {
    return this.call(service, request, context, async (response) => {
      const text = await response.body.text();
      if (!isOk(response)) throw this.errorAnswerOf(service, response, text);
      return { status: response.statusCode, body: parseJson(service, text) as T };
    });
  }

  /** A long-lived response (server-sent events): the timeout covers only the wait for headers. */
  stream(
    service: ServiceName,
    request: UpstreamRequest,
    context: ForwardedContext,
  ): Promise<UpstreamStream> {
    return this.call(service, request, context, async (response, abort) => {
      if (!isOk(response)) {
        throw this.errorAnswerOf(service, response, await response.body.text());
      }
      return { body: response.body, close: () => abort.abort(CLIENT_CLOSED) };
    });
  }

  /** After the HTTP server has closed: nothing is left to relay, so the pools' sockets can go. */
  async onApplicationShutdown(): Promise<void> {
    await this.connections.destroy();
  }

  private async call<R>(
    service: ServiceName,
    request: UpstreamRequest,
    context: ForwardedContext,
    receive: (response: UpstreamResponse, abort: AbortController) => Promise<R>,
  ): Promise<R> {
    // No healthy instance: answer at once, and leave the breaker alone (no call was made).
    if (!this.directory.hasCandidate(service)) {
      throw new UpstreamUnavailableError(
        service,
        'no-healthy-instance',
        this.retryAfter.noHealthyInstance,
      );
    }
    try {
      return await this.breakerFor(service).execute(() =>
        this.withFailover(service, request, context, receive),
      );
    } catch (error) {
      if (!(error instanceof BrokenCircuitError)) throw error;
      this.logger.warn(`${service} circuit is open: failing fast`);
      throw new UpstreamUnavailableError(service, 'circuit-open', this.retryAfter.circuitOpen);
    }
  }

  private async withFailover<R>(
    service: ServiceName,
    request: UpstreamRequest,
    context: ForwardedContext,
    receive: (response: UpstreamResponse, abort: AbortController) => Promise<R>,
  ): Promise<R> {
    const idempotent = request.method === 'GET' || hasIdempotencyKey(request);
    const tried = new Set<string>();
    // Built only when an attempt fails: an error (and its stack) per call would be wasted work.
    let failure: Error | undefined;
    for (let attempt = 0; attempt <= this.retries; attempt += 1) {
      const instance = this.directory.instanceFor(service, tried);
      if (!instance) {
        this.logger.warn(`${service} has no instance`);
        break;
      }
      tried.add(instance.id);
      const abort = new AbortController();
      const timeoutMs = request.timeoutMs ?? this.timeoutMs;
      const timer = setTimeout(() => abort.abort(new UpstreamTimeoutError(service)), timeoutMs);
      try {
        const response = await this.send(instance, request, context, abort.signal);
        const result = await receive(response, abort);
        this.directory.report(instance, 'success');
        return result;
      } catch (error) {
        const outcome = this.outcomeOf(instance, error, abort.signal, timeoutMs);
        this.directory.report(instance, outcome.passive);
        failure = outcome.error;
        if (!outcome.retry(idempotent)) break;
      } finally {
        clearTimeout(timer);
      }
    }
    // No attempt was made: the last instance turned unhealthy since `hasCandidate`.
    throw (
      failure ??
      new UpstreamUnavailableError(
        service,
        'no-healthy-instance',
        this.retryAfter.noHealthyInstance,
      )
    );
  }

  private send(
    instance: ServiceInstance,
    request: UpstreamRequest,
    context: ForwardedContext,
    signal: AbortSignal,
  ): Promise<UpstreamResponse> {
    const headers: Record<string, string> = {
      accept: 'application/json',
      ...request.headers,
      'x-request-id': context.requestId,
      // With tracing on, the undici instrumentation (it hears undici's diagnostics channels, which
      // this package shares with Node's fetch) writes its client span's traceparent: a second
      // header would break the chain. Off, the caller's trace is passed on as it came.
      ...(isTracing() ? {} : { traceparent: context.traceparent }),
      ...(context.authorization ? { authorization: context.authorization } : {}),
    };
    if (request.body !== undefined) headers['content-type'] = 'application/json';
    // An instance's URL may carry a path prefix of its own (behind an ingress, say).
    const { origin, pathname } = new URL(instance.url);
    const prefix = pathname === '/' ? '' : pathname;
    return this.connections.request({
      origin,
      path: `${prefix}${request.path}${queryOf(request.query)}`,
      method: request.method,
      headers,
      body: request.body === undefined ? undefined : JSON.stringify(request.body),
      signal,
    });
  }

  /** What a failed attempt means: for the instance's health, for the caller, for a retry. */
  private outcomeOf(
    instance: ServiceInstance,
    error: unknown,
    signal: AbortSignal,
    timeoutMs: number,
  ): {
    error: Error;
    passive: 'success' | 'failure';
    retry: (idempotent: boolean) => boolean;
  } {
    const { service } = instance;
    if (error instanceof UpstreamResponseError) {
      // A 4xx is the service doing its job; a 5xx may be this instance alone.
      const failed = error.upstreamStatus >= 500;
      return {
        error,
        passive: failed ? 'failure' : 'success',
        retry: (idempotent) => failed && idempotent,
      };
    }
    if (signal.reason instanceof UpstreamTimeoutError) {
      // Not retried: the caller has already waited the route's whole timeout.
      this.logger.warn(`${service} instance ${instance.id} did not answer within ${timeoutMs} ms`);
      return { error: signal.reason, passive: 'failure', retry: () => false };
    }
    const code = (error as { code?: unknown } | undefined)?.code;
    const notConnected = typeof code === 'string' && NOT_CONNECTED.has(code);
    this.logger.warn(`${service} instance ${instance.id} is unreachable: ${String(error)}`);
    return {
      error: new UpstreamUnavailableError(
        service,
        'unreachable',
        this.retryAfter.noHealthyInstance,
      ),
      passive: 'failure',
      // A request that never left may go anywhere; one that may have arrived, only if idempotent.
      retry: (idempotent) => notConnected || idempotent,
    };
  }

  private breakerFor(service: ServiceName): CircuitBreakerPolicy {
    let breaker = this.breakers.get(service);
    if (!breaker) {
      breaker = circuitBreaker(handleWhen(isServiceFailure), {
        halfOpenAfter: this.config.UPSTREAM_BREAKER_HALF_OPEN_MS,
        breaker: new ConsecutiveBreaker(this.config.UPSTREAM_BREAKER_FAILURES),
      });
      breaker.onBreak(() => this.logger.warn(`${service} circuit opened`));
      breaker.onReset(() => this.logger.log(`${service} circuit closed`));
      this.breakers.set(service, breaker);
    }
    return breaker;
  }

  private errorAnswerOf(service: ServiceName, response: UpstreamResponse, text: string): Error {
    const status = response.statusCode;
    const answer = safeJson(text) as { message?: unknown; details?: unknown } | undefined;
    const message = typeof answer?.message === 'string' ? answer.message : undefined;
    if (status >= 500) this.logger.warn(`${service} answered ${status}: ${message ?? text}`);
    const retryAfter = response.headers['retry-after'];
    return new UpstreamResponseError(
      service,
      status,
      message,
      answer?.details,
      typeof retryAfter === 'string' ? retryAfter : undefined,
    );
  }
}

/** Failures that say the service is in trouble (not a 4xx about the request). */
function isServiceFailure(error: unknown): boolean {
  if (error instanceof UpstreamResponseError) return error.upstreamStatus >= 500;
  return error instanceof UpstreamUnavailableError || error instanceof UpstreamTimeoutError;
}

function isOk(response: UpstreamResponse): boolean {
  return response.statusCode >= 200 && response.statusCode < 300;
}

function secondsOf(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1000));
}

function hasIdempotencyKey(request: UpstreamRequest): boolean {
  return Object.keys(request.headers ?? {}).some(
    (name) => name.toLowerCase() === 'idempotency-key',
  );
}

function queryOf(query: UpstreamRequest['query']): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query ?? {})) {
    if (value !== undefined) params.set(name, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

function parseJson(service: ServiceName, text: string): unknown {
  if (text === '') return undefined;
  const parsed = safeJson(text);
  if (parsed === undefined) throw new UpstreamResponseError(service, 502, undefined);
  return parsed;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

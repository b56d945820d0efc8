import { Readable } from 'node:stream';
import type { ReadableStream } from 'node:stream/web';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { GATEWAY_CONFIG, type GatewayConfig } from '../gateway.config.js';
import {
  UpstreamResponseError,
  UpstreamTimeoutError,
  UpstreamUnavailableError,
} from '../errors/gateway.error.js';
import type { ForwardedContext } from './forwarded-context.js';
import { ServiceDirectory, type ServiceName } from './service-directory.js';

export interface UpstreamRequest {
  method: 'GET' | 'POST';
  path: string;
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  headers?: Record<string, string>;
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

/**
 * Calls a service over HTTP with the caller's context. Failures become gateway errors: no answer
 * is 503, a slow one 504, an error answer keeps its 4xx (or becomes 502).
 */
@Injectable()
export class UpstreamClient {
  private readonly logger = new Logger(UpstreamClient.name);
  private readonly timeoutMs: number;

  constructor(
    private readonly directory: ServiceDirectory,
    @Inject(GATEWAY_CONFIG) config: GatewayConfig,
  ) {
    this.timeoutMs = config.UPSTREAM_TIMEOUT_MS;
  }

  /** A JSON request answered with JSON, within the upstream timeout. */
  async json<T>(
    service: ServiceName,
    request: UpstreamRequest,
    context: ForwardedContext,
  ): Promise<UpstreamAnswer<T>> {
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(new UpstreamTimeoutError(service)), this.timeoutMs);
    try {
      const response = await this.send(service, request, context, abort.signal);
      const text = await response.text().catch((error: unknown) => {
        throw this.failureOf(service, error, abort.signal);
      });
      if (!response.ok) throw this.errorAnswerOf(service, response.status, text);
      return { status: response.status, body: parseJson(service, text) as T };
    } finally {
      clearTimeout(timer);
    }
  }

  /** A long-lived response (server-sent events): the timeout covers only the wait for headers. */
  async stream(
    service: ServiceName,
    request: UpstreamRequest,
    context: ForwardedContext,
  ): Promise<UpstreamStream> {
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(new UpstreamTimeoutError(service)), this.timeoutMs);
    let response: Response;
    try {
      response = await this.send(service, request, context, abort.signal);
      if (!response.ok || !response.body) {
        throw this.errorAnswerOf(service, response.status, await response.text());
      }
    } finally {
      clearTimeout(timer);
    }
    const body = Readable.fromWeb(response.body as ReadableStream<Uint8Array>);
    return { body, close: () => abort.abort() };
  }

  private async send(
    service: ServiceName,
    request: UpstreamRequest,
    context: ForwardedContext,
    signal: AbortSignal,
  ): Promise<Response> {
    const { url } = this.directory.instanceFor(service);
    const headers: Record<string, string> = {
      accept: 'application/json',
      ...request.headers,
      'x-request-id': context.requestId,
      traceparent: context.traceparent,
      ...(context.authorization ? { authorization: context.authorization } : {}),
    };
    if (request.body !== undefined) headers['content-type'] = 'application/json';
    try {
      return await fetch(`${url}${request.path}${queryOf(request.query)}`, {
        method: request.method,
        headers,
        body: request.body === undefined ? undefined : JSON.stringify(request.body),
        signal,
      });
    } catch (error) {
      throw this.failureOf(service, error, signal);
    }
  }

  private failureOf(service: ServiceName, error: unknown, signal: AbortSignal): Error {
    if (signal.reason instanceof UpstreamTimeoutError) {
      this.logger.warn(`${service} did not answer within ${this.timeoutMs} ms`);
      return signal.reason;
    }
    const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
    this.logger.warn(`${service} is unreachable: ${String(cause)}`);
    return new UpstreamUnavailableError(service);
  }

  private errorAnswerOf(service: ServiceName, status: number, text: string): Error {
    const answer = safeJson(text) as { message?: unknown; details?: unknown } | undefined;
    const message = typeof answer?.message === 'string' ? answer.message : undefined;
    if (status >= 500) this.logger.warn(`${service} answered ${status}: ${message ?? text}`);
    return new UpstreamResponseError(service, status, message, answer?.details);
  }
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

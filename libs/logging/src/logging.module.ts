import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { DynamicModule, Module, RequestMethod } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { destination, stdSerializers, type DestinationStream, type Level } from 'pino';
import pretty from 'pino-pretty';

export interface LoggingOptions {
  service: string;
  level: Level | 'silent';
  format: 'json' | 'pretty';
  /** Where lines go: stdout unless given (tests read them from here). */
  destination?: DestinationStream;
}

/** The header that carries a request's id between apps and back to the caller. */
export const REQUEST_ID_HEADER = 'x-request-id';

/** Structured logs through pino: one JSON object per line in production, readable lines locally. */
@Module({})
export class LoggingModule {
  static forRoot(options: LoggingOptions): DynamicModule {
    const stream: DestinationStream | undefined =
      options.destination ??
      (options.format === 'pretty'
        ? pretty({
            colorize: true,
            singleLine: true,
            translateTime: 'SYS:HH:MM:ss.l',
            ignore: 'pid,hostname',
          })
        : stdoutLogDestination());
    const http = {
      level: options.level,
      base: { service: options.service },
      messageKey: 'msg',
      // An access log line names the request and its answer, no headers: it stays small on the
      // hot path, and credentials, cookies and tokens never reach the logs to be redacted.
      wrapSerializers: false,
      serializers: { req: requestOf, res: responseOf, err: stdSerializers.err },
      // No genReqId: the HTTP server gave the request its id (`requestIdOf`) and pino-http keeps it.
      customProps: (req: IncomingMessage) => ({
        requestId: req.id,
        ...(req.headers.traceparent ? { traceparent: req.headers.traceparent } : {}),
      }),
      // Probes hit every few seconds; logging them would drown the rest.
      autoLogging: { ignore: (req: IncomingMessage) => req.url?.startsWith('/health') ?? false },
    };
    return {
      module: LoggingModule,
      imports: [
        LoggerModule.forRoot({
          pinoHttp: stream ? [http, stream] : http,
          // Every path. nestjs-pino's default (`{/*splat}`) matches no request on Nest's Fastify
          // adapter, so no request would be logged.
          forRoutes: [{ path: '{*splat}', method: RequestMethod.ALL }],
        }),
      ],
      exports: [LoggerModule],
    };
  }
}

/**
 * Standard output, written synchronously: a line is out before the log call returns, so the lines
 * that explain a crash are never lost in a buffer. pino's default destination writes through
 * libuv's thread pool instead (which DNS and crypto share): a wake-up of a pool thread and one of
 * the event loop for each line, about six system calls where a synchronous write is one.
 */
export function stdoutLogDestination(fd = 1): DestinationStream {
  return destination({ dest: fd, sync: true });
}

/** What an access log line says of a request. */
function requestOf(req: IncomingMessage & { originalUrl?: string }) {
  return {
    method: req.method,
    // Middleware mounted at a path sees `url` without it; `originalUrl` is what the caller asked for.
    url: req.originalUrl ?? req.url,
    remoteAddress: req.socket?.remoteAddress,
    userAgent: req.headers['user-agent'],
  };
}

/** What an access log line says of an answer. */
function responseOf(res: ServerResponse) {
  return { statusCode: res.statusCode };
}

/** Keeps the caller's request id (so one id follows a request through every app) or makes one. */
export function requestIdOf(req: Pick<IncomingMessage, 'headers'>): string {
  const given = req.headers[REQUEST_ID_HEADER];
  return typeof given === 'string' && /^[\w.:-]{1,128}$/.test(given) ? given : randomUUID();
}

import type { DynamicModule, INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { stopTracing } from '@app/tracing';
import { Logger } from 'nestjs-pino';
import { configureHttp, httpPlatform, type HttpPlatformOptions } from './http-platform.js';

export interface StartOptions extends HttpPlatformOptions {
  name: string;
  host: string;
  port: number;
  /**
   * The app's own middleware and routes beside its controllers (security headers, CORS, docs).
   * Middleware runs before the body is parsed, so it also covers the 400 or 413 the parser
   * answers. Request ids, metrics and trace names come first, in every app.
   */
  prepareHttp?: (app: NestFastifyApplication) => void;
  /**
   * Connects the app's message transport before it starts (`connectMessageTransport` of
   * `@app/messaging`), so its `@Handles` methods run as Nest message handlers under the same
   * global guards, interceptors, pipes and filters as its routes.
   */
  connectTransport?: (app: INestApplication) => unknown;
}

/**
 * Boots one app: structured logs, request metrics, shutdown on SIGTERM/SIGINT with a drain, HTTP
 * on host:port, and the message transport when the app consumes messages.
 */
export async function startApp(rootModule: DynamicModule, options: StartOptions): Promise<void> {
  const app = await NestFactory.create<NestFastifyApplication>(rootModule, httpPlatform(options), {
    bufferLogs: true,
  });
  const logger = app.get(Logger);
  app.useLogger(logger);
  configureHttp(app);
  options.prepareHttp?.(app);
  options.connectTransport?.(app);
  await app.listen(options.port, options.host);
  await app.startAllMicroservices();
  closeOnSignal(app, logger);
  logger.log(`${options.name} listening on http://${displayHost(options.host)}:${options.port}`);
}

/**
 * SIGTERM or SIGINT: readiness fails, the app drains, connections close, the last spans are
 * exported, the process exits 0. A second signal falls through to Node's default and ends the
 * process at once.
 */
function closeOnSignal(app: NestFastifyApplication, logger: Logger): void {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      logger.log(`Received ${signal}; shutting down`);
      app.close().then(
        () => stopTracing().then(() => process.exit(0)),
        (error: unknown) => {
          logger.error(`Shutdown failed: ${String(error)}`);
          process.exit(1);
        },
      );
    });
  }
}

function displayHost(host: string): string {
  return host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
}

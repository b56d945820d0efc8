import type { DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { ConfigError } from '@app/config';
import { connectMessageTransport } from '@app/messaging';
import { Logger } from 'nestjs-pino';

export interface StartOptions {
  name: string;
  host: string;
  port: number;
  /** Largest JSON body accepted; anything bigger gets 413. */
  bodyLimit?: string;
  /**
   * Express middleware and routes that must come before the body parser, so they also cover the
   * 400 or 413 it answers (security headers, CORS, request metrics).
   */
  beforeBodyParser?: (app: NestExpressApplication) => void;
  /**
   * Consume the app's queues: its `@Handles` methods run as Nest message handlers, under the same
   * global guards, interceptors, pipes and filters as its routes. Needs MessagingModule.
   */
  messaging?: boolean;
}

/**
 * Loads config before anything else, so a bad variable stops the process with one clear line
 * rather than a stack trace from deep inside a module.
 */
export function configOrExit<T>(name: string, load: () => T): T {
  try {
    return load();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${name}: ${error.message}\n`);
    process.exit(1);
  }
}

/**
 * Boots one app: structured logs, shutdown on SIGTERM/SIGINT with a drain, HTTP on host:port, and
 * the message transport when the app consumes messages.
 */
export async function startApp(rootModule: DynamicModule, options: StartOptions): Promise<void> {
  const app = await NestFactory.create<NestExpressApplication>(rootModule, {
    bufferLogs: true,
    bodyParser: false,
  });
  const logger = app.get(Logger);
  app.useLogger(logger);
  options.beforeBodyParser?.(app);
  app.useBodyParser('json', { limit: options.bodyLimit ?? '100kb' });
  if (options.messaging) connectMessageTransport(app);
  await app.listen(options.port, options.host);
  await app.startAllMicroservices();
  closeOnSignal(app, logger);
  logger.log(`${options.name} listening on http://${displayHost(options.host)}:${options.port}`);
}

/** Runs `main` and turns a start-up failure into one fatal log line and a non-zero exit. */
export function run(name: string, main: () => Promise<void>): void {
  main().catch((error: unknown) => {
    const reason = error instanceof Error ? error.message : String(error);
    process.stderr.write(`${name}: failed to start: ${reason}\n`);
    process.exit(1);
  });
}

/**
 * SIGTERM or SIGINT: readiness fails, the app drains, connections close, the process exits 0.
 * A second signal falls through to Node's default and ends the process at once.
 */
function closeOnSignal(app: NestExpressApplication, logger: Logger): void {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      logger.log(`Received ${signal}; shutting down`);
      app.close().then(
        () => process.exit(0),
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

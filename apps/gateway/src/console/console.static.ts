import { existsSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import fastifyStatic from '@fastify/static';
import { Logger } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { GatewayConfig } from '../gateway.config.js';

/**
 * The console's policy: its own script and stylesheet and calls to this origin only. No inline
 * code, no other host, no framing; what the console needs and nothing more.
 */
export const CONSOLE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * Serves the web console (built by `npm run build` into CONSOLE_DIR) at `/`, with its strict CSP.
 * Asset names carry a content hash, so they are cached for good; the page itself never is.
 * Without a built console the gateway still serves the API (and logs why `/` is a 404).
 * Each file the build made gets its own route, found once at start: a request for anything else
 * never waits on the filesystem, and nothing under `/api` can stand in for the API.
 */
export function serveConsole(app: NestFastifyApplication, config: GatewayConfig): void {
  const directory = resolve(config.CONSOLE_DIR);
  if (!existsSync(resolve(directory, 'index.html'))) {
    new Logger('Console').warn(`No console at ${directory}: run npm run build; / answers 404`);
    return;
  }
  void app.register(fastifyStatic, {
    root: directory,
    wildcard: false,
    globIgnore: ['api/**'],
    index: 'index.html',
    redirect: false,
    decorateReply: false,
    cacheControl: false,
    setHeaders: (reply, path) => {
      reply.header('content-security-policy', CONSOLE_CSP);
      reply.header(
        'cache-control',
        basename(path) === 'index.html' ? 'no-cache' : 'public, max-age=31536000, immutable',
      );
    },
  });
}

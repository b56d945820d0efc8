import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { httpPlatform } from '@app/runtime';
import { loadGatewayConfig } from '../gateway.config.js';
import { CONSOLE_CSP, serveConsole } from './console.static.js';

@Module({})
class NoRoutesModule {}

describe(serveConsole.name, () => {
  let app: NestFastifyApplication;
  let directory: string;
  let baseUrl: string;

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'console-'));
    await mkdir(join(directory, 'assets'));
    await mkdir(join(directory, 'api'));
    await writeFile(join(directory, 'index.html'), '<!doctype html><title>console</title>');
    await writeFile(join(directory, 'assets', 'app-1a2b.js'), 'export {};');
    // A file where the API lives: the console must never answer for an API path.
    await writeFile(join(directory, 'api', 'orders'), 'not the API');
    app = await NestFactory.create<NestFastifyApplication>(NoRoutesModule, httpPlatform(), {
      logger: false,
    });
    serveConsole(app, loadGatewayConfig({ LOG_LEVEL: 'silent', CONSOLE_DIR: directory }));
    await app.listen(0, '127.0.0.1');
    const { port } = app.getHttpServer().address() as AddressInfo;
    baseUrl = `http://127.0.0.1:${port}`;
  });

  afterAll(async () => {
    await app?.close();
    await rm(directory, { recursive: true, force: true });
  });

  it('serves the page at / with its policy, never cached', async () => {
    const response = await fetch(`${baseUrl}/`);
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('<title>console</title>');
    expect(response.headers.get('content-security-policy')).toBe(CONSOLE_CSP);
    expect(response.headers.get('cache-control')).toBe('no-cache');
  });

  it('serves hashed assets cached for good', async () => {
    const response = await fetch(`${baseUrl}/assets/app-1a2b.js`);
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
  });

  it('leaves API paths to the API routes, without looking for a file', async () => {
    for (const path of ['/api/orders', '/api/orders?limit=1', '/api']) {
      const response = await fetch(`${baseUrl}${path}`);
      expect(response.status).toBe(404);
      expect(await response.text()).not.toContain('not the API');
    }
  });
});

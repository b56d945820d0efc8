import { request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Body, Controller, Get, HttpCode, Ip, Module, Param, Post } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { register } from 'prom-client';
import { HttpMetrics } from '@app/metrics';
import { configureHttp, httpPlatform } from './http-platform.js';

@Controller('things')
class ThingsController {
  @Post()
  @HttpCode(200)
  echo(@Body() body: unknown): unknown {
    return { body };
  }

  @Get('caller')
  caller(@Ip() ip: string): unknown {
    return { ip };
  }

  @Get(':id')
  one(@Param('id') id: string): unknown {
    return { id };
  }
}

@Module({ controllers: [ThingsController], providers: [HttpMetrics] })
class ThingsModule {}

/** As startApp boots an app: NestFactory readies middleware as it creates the app. */
async function start(
  trustProxyHops: number,
): Promise<{ app: NestFastifyApplication; url: string }> {
  const app = await NestFactory.create<NestFastifyApplication>(
    ThingsModule,
    httpPlatform({ bodyLimit: 64, trustProxyHops }),
    { logger: false },
  );
  configureHttp(app);
  // Middleware that answers itself, as CORS answers a preflight.
  app.use((request: IncomingMessage, response: ServerResponse, next: () => void) => {
    if (request.method !== 'OPTIONS') return next();
    response.statusCode = 204;
    response.end();
  });
  await app.listen(0, '127.0.0.1');
  return { app, url: (await app.getUrl()).replace('[::1]', '127.0.0.1') };
}

const postJson = (url: string, body: string) =>
  fetch(`${url}/things`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });

describe(httpPlatform.name, () => {
  let direct: { app: NestFastifyApplication; url: string };
  let behindProxy: { app: NestFastifyApplication; url: string };
  beforeAll(async () => {
    direct = await start(0);
    behindProxy = await start(1);
  });
  afterAll(async () => {
    await direct.app.close();
    await behindProxy.app.close();
  });

  it("keeps a caller's sane request id and answers with it; replaces any other", async () => {
    const kept = await fetch(`${direct.url}/things/1`, {
      headers: { 'x-request-id': 'req-7.a:b' },
    });
    expect(kept.headers.get('x-request-id')).toBe('req-7.a:b');
    const replaced = await fetch(`${direct.url}/things/1`, {
      headers: { 'x-request-id': 'no spaces or <tags>' },
    });
    expect(replaced.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    // Before any middleware: an answer middleware gives carries the id too.
    const preflight = await fetch(`${direct.url}/things/1`, {
      method: 'OPTIONS',
      headers: { 'x-request-id': 'pre-1' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('x-request-id')).toBe('pre-1');
  });

  it('answers a URL the router refuses in the error shape, with its id', async () => {
    for (const [path, status] of [
      [`/things/${'x'.repeat(3000)}`, 414],
      ['/things/%E0%A4%A', 400],
    ] as const) {
      const response = await fetch(`${direct.url}${path}`, { headers: { 'x-request-id': 'r-1' } });
      expect(response.status).toBe(status);
      expect(response.headers.get('x-request-id')).toBe('r-1');
      expect(await response.json()).toEqual({
        statusCode: status,
        error: expect.any(String),
        message: expect.any(String),
        requestId: 'r-1',
      });
    }
  });

  it('reads a JSON body, an empty one as {}, and refuses a malformed, oversized or other one', async () => {
    expect(await (await postJson(direct.url, '{"a":1}')).json()).toEqual({ body: { a: 1 } });
    expect(await (await postJson(direct.url, '')).json()).toEqual({ body: {} });
    expect((await postJson(direct.url, '{"a":')).status).toBe(400);
    expect((await postJson(direct.url, JSON.stringify({ a: 'x'.repeat(100) }))).status).toBe(413);
    const text = await fetch(`${direct.url}/things`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: 'role=admin',
    });
    expect(text.status).toBe(415);
  });

  it('reads the rest of an oversized body before its 413, so a client still sending it sees the answer', async () => {
    const { port } = new URL(direct.url);
    const chunk = Buffer.alloc(64 * 1024, 'x');
    const chunks = 32;
    const answer = await new Promise<{ status?: number; uploaded?: boolean; error?: string }>(
      (resolve) => {
        const outcome: { status?: number; uploaded?: boolean; error?: string } = {};
        let answered = false;
        const settle = (): void => {
          if (answered && outcome.uploaded) resolve(outcome);
        };
        const request = httpRequest({
          host: '127.0.0.1',
          port,
          method: 'POST',
          path: '/things',
          headers: { 'content-type': 'application/json', 'content-length': chunk.length * chunks },
        });
        request.on('response', (response) => {
          outcome.status = response.statusCode;
          response.resume().on('end', () => {
            answered = true;
            settle();
          });
        });
        request.on('error', (error) => resolve({ ...outcome, error: error.message }));
        // The connection closed first: what was seen by then.
        request.on('close', () => resolve({ ...outcome }));
        // Sent a piece at a time, as a slow client would, so the answer can come mid-upload.
        let sent = 0;
        const sendNext = (): void => {
          if (sent === chunks) {
            request.end(() => {
              outcome.uploaded = true;
              settle();
            });
            return;
          }
          sent += 1;
          request.write(chunk, () => setImmediate(sendNext));
        };
        sendNext();
      },
    );
    expect(answer).toEqual({ status: 413, uploaded: true });
  });

  it('takes the client address from as many proxies as it trusts, and none by default', async () => {
    const headers = { 'x-forwarded-for': '203.0.113.9' };
    const proxied = await fetch(`${behindProxy.url}/things/caller`, { headers });
    expect(await proxied.json()).toEqual({ ip: '203.0.113.9' });
    const direct$ = await fetch(`${direct.url}/things/caller`, { headers });
    expect(await direct$.json()).toEqual({ ip: '127.0.0.1' });
  });

  it('routes a trailing slash and a long parameter to the route', async () => {
    expect((await fetch(`${direct.url}/things/`, { method: 'POST' })).status).toBe(200);
    const long = 'x'.repeat(500);
    expect(await (await fetch(`${direct.url}/things/${long}`)).json()).toEqual({ id: long });
  });

  it('times requests by route pattern, never by the raw URL', async () => {
    await fetch(`${direct.url}/things/abc`);
    await fetch(`${direct.url}/nowhere`);
    const text = await register.metrics();
    expect(text).toMatch(
      /http_request_duration_seconds_count\{method="GET",route="\/things\/:id",status_code="200"\} \d+/,
    );
    expect(text).toMatch(
      /http_request_duration_seconds_count\{method="GET",route="unmatched",status_code="404"\} \d+/,
    );
    expect(text).not.toContain('route="/things/abc"');
  });
});

import { closeSync, mkdtempSync, openSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { Controller, Get, HttpException, Logger as NestLogger } from '@nestjs/common';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { Logger } from 'nestjs-pino';
import { pino } from 'pino';
import { LoggingModule, requestIdOf, stdoutLogDestination } from './logging.module.js';

@Controller('things')
class ThingsController {
  @Get('one')
  one() {
    return { ok: true };
  }

  @Get('broken')
  broken() {
    this.logger.error(new Error('the kettle broke'));
    throw new HttpException('teapot', 418);
  }

  private readonly logger = new NestLogger(ThingsController.name);
}

/** A destination that keeps every line it is given, parsed. */
function aLineCollector() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean))
        lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { lines, destination };
}

async function startLogged() {
  const { lines, destination } = aLineCollector();
  const moduleRef = await Test.createTestingModule({
    imports: [
      LoggingModule.forRoot({ service: 'tested', level: 'info', format: 'json', destination }),
    ],
    controllers: [ThingsController],
  }).compile();
  const app = moduleRef.createNestApplication(new FastifyAdapter({ genReqId: requestIdOf }), {
    bufferLogs: true,
  });
  app.useLogger(app.get(Logger));
  await app.listen(0, '127.0.0.1');
  return { app, url: await app.getUrl(), lines };
}

const accessLines = (lines: Record<string, unknown>[]) =>
  lines.filter((line) => line.msg === 'request completed' || line.msg === 'request errored');

// One app for the whole file: Nest's static logger is process-wide, so a second app in the same
// process would send some lines to the first one's destination.
describe(LoggingModule.name, () => {
  let started: Awaited<ReturnType<typeof startLogged>>;
  beforeAll(async () => {
    started = await startLogged();
  });
  afterAll(() => started.app.close());
  beforeEach(() => {
    started.lines.length = 0;
  });

  it('logs a request as its method, url, caller and answer, without any header', async () => {
    const response = await fetch(`${started.url}/things/one?page=2`, {
      headers: {
        authorization: 'Bearer secret-token',
        cookie: 'session=secret-cookie',
        'user-agent': 'spec-agent/1.0',
        'x-request-id': 'req-42',
      },
    });
    expect(response.status).toBe(200);
    const [line] = accessLines(started.lines);
    expect(line).toMatchObject({
      service: 'tested',
      requestId: 'req-42',
      req: {
        method: 'GET',
        url: '/things/one?page=2',
        remoteAddress: '127.0.0.1',
        userAgent: 'spec-agent/1.0',
      },
      res: { statusCode: 200 },
    });
    expect(Object.keys(line.req as object).sort()).toEqual([
      'method',
      'remoteAddress',
      'url',
      'userAgent',
    ]);
    expect(Object.keys(line.res as object)).toEqual(['statusCode']);
    expect(JSON.stringify(started.lines)).not.toMatch(/secret-token|secret-cookie/);
  });

  it('logs an error with its type, message and stack, and a refused request with its status', async () => {
    expect((await fetch(`${started.url}/things/broken`)).status).toBe(418);
    const logged = started.lines.find((line) => line.context === ThingsController.name);
    expect(logged?.err).toMatchObject({ type: 'Error', message: 'the kettle broke' });
    expect(String((logged?.err as { stack?: string }).stack)).toContain('ThingsController');
    expect(accessLines(started.lines)).toEqual([
      expect.objectContaining({ res: { statusCode: 418 } }),
    ]);
  });
});

describe(stdoutLogDestination.name, () => {
  it('has a line written before the log call returns, with no thread-pool hop', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'sagaflow-log-')), 'out.log');
    const fd = openSync(file, 'w');
    const destination = stdoutLogDestination(fd);
    try {
      pino({ base: undefined }, destination).info({ orderId: 'o-1' }, 'written at once');
      // Read in the same turn: an asynchronous destination would still hold the line.
      expect(readFileSync(file, 'utf8')).toContain('"msg":"written at once"');
      expect(destination).toMatchObject({ sync: true });
    } finally {
      closeSync(fd);
    }
  });
});

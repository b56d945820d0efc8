import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  Controller,
  Get,
  NotFoundException,
  type ArgumentsHost,
  type INestApplication,
} from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { lastValueFrom, type Observable } from 'rxjs';
import { QueryFailedError } from 'typeorm';
import { DatabaseBusyFilter } from './database-busy.filter.js';

/** What TypeORM throws when pg-pool had no connection free within `connectionTimeoutMillis`. */
const poolBusy = () =>
  new QueryFailedError('SELECT 1', [], new Error('timeout exceeded when trying to connect'));

@Controller('probe')
class ProbeController {
  @Get('busy')
  busy(): never {
    throw poolBusy();
  }

  @Get('bug')
  bug(): never {
    throw new TypeError("Cannot read properties of undefined (reading 'id')");
  }

  @Get('missing')
  missing(): never {
    throw new NotFoundException('Order o-1 does not exist');
  }
}

describe(DatabaseBusyFilter.name, () => {
  let app: INestApplication;
  let url: string;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({
      controllers: [ProbeController],
      // As PersistenceModule registers it.
      providers: [{ provide: APP_FILTER, useClass: DatabaseBusyFilter }],
    }).compile();
    app = moduleRef.createNestApplication(new FastifyAdapter(), { logger: false });
    await app.listen(0, '127.0.0.1');
    url = await app.getUrl();
  });
  afterAll(() => app.close());

  it('answers 503 with Retry-After when the pool had no connection free', async () => {
    const response = await fetch(`${url}/probe/busy`);
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('1');
    expect(await response.json()).toEqual({
      statusCode: 503,
      error: 'Service Unavailable',
      message: 'The database is busy or restarting; retry shortly',
      code: 'DATABASE_BUSY',
    });
  });

  it('leaves every other error to Nest: a bug is a 500 without its stack, an HttpException keeps its status', async () => {
    const bug = await fetch(`${url}/probe/bug`);
    expect(bug.status).toBe(500);
    expect(bug.headers.get('retry-after')).toBeNull();
    expect(await bug.json()).toEqual({ statusCode: 500, message: 'Internal server error' });
    const missing = await fetch(`${url}/probe/missing`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ message: 'Order o-1 does not exist' });
  });

  it("hands a message handler's transient failure back as it is, and leaves its other errors to Nest", async () => {
    const filter = new DatabaseBusyFilter();
    const host = { getType: () => 'rpc' } as unknown as ArgumentsHost;
    const busy = poolBusy();
    // The transport retries it, and logs it once, as a warning.
    await expect(lastValueFrom(filter.catch(busy, host) as Observable<unknown>)).rejects.toBe(busy);
    const bug = new TypeError('boom');
    await expect(lastValueFrom(filter.catch(bug, host) as Observable<unknown>)).rejects.toEqual({
      status: 'error',
      message: 'Internal server error',
    });
  });
});

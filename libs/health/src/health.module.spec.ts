import { afterEach, describe, expect, it } from '@jest/globals';
import { Global, Injectable, Module, type INestApplication } from '@nestjs/common';
import { HealthIndicatorService, TerminusModule } from '@nestjs/terminus';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { HealthModule } from './health.module.js';
import type { ReadinessIndicator } from './readiness-indicator.js';

@Injectable()
class SwitchableIndicator implements ReadinessIndicator {
  up = true;
  constructor(private readonly indicator: HealthIndicatorService) {}
  isReady() {
    const session = this.indicator.check('dependency');
    return Promise.resolve(this.up ? session.up() : session.down({ message: 'unreachable' }));
  }
}

@Global()
@Module({
  imports: [TerminusModule],
  providers: [SwitchableIndicator],
  exports: [SwitchableIndicator],
})
class DependencyModule {}

async function startHealth(shutdownGraceMs = 0) {
  const moduleRef = await Test.createTestingModule({
    imports: [
      DependencyModule,
      HealthModule.forRoot({ readiness: [SwitchableIndicator], shutdownGraceMs }),
    ],
  }).compile();
  const app = moduleRef.createNestApplication(new FastifyAdapter(), { logger: false });
  await app.listen(0, '127.0.0.1');
  return { app, url: await app.getUrl(), dependency: app.get(SwitchableIndicator) };
}

describe(HealthModule.name, () => {
  let app: INestApplication | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  it('is ready while every indicator is up', async () => {
    const started = await startHealth();
    app = started.app;
    const response = await fetch(`${started.url}/health/ready`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      status: 'ok',
      details: { dependency: { status: 'up' } },
    });
  });

  it('answers 503 naming the indicator that is down, while staying live', async () => {
    const started = await startHealth();
    app = started.app;
    started.dependency.up = false;
    const ready = await fetch(`${started.url}/health/ready`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ error: { dependency: { message: 'unreachable' } } });
    expect((await fetch(`${started.url}/health/live`)).status).toBe(200);
  });

  it('fails readiness as soon as shutdown begins, before connections close', async () => {
    const started = await startHealth(500);
    const closing = started.app.close();
    const during = await fetch(`${started.url}/health/ready`);
    expect(during.status).toBe(503);
    expect(await during.json()).toMatchObject({
      error: { shutdown: { message: 'shutting down' } },
    });
    await closing;
  });
});

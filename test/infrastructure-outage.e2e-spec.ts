import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { statusOf, waitForStatus, type RunningApp } from './support/app-process.js';
import { postgres, rabbitmq } from './support/infrastructure.js';
import { DATA_OWNERS, SYSTEM, startSystem, stopSystem } from './support/system.js';

const readyUrls = (apps: readonly { port: number }[]) =>
  apps.map((app) => `http://127.0.0.1:${app.port}/health/ready`);

async function expectAll(urls: string[], status: number, timeoutMs: number): Promise<void> {
  await Promise.all(urls.map((url) => waitForStatus(url, status, timeoutMs)));
}

describe('readiness through an infrastructure outage', () => {
  let apps: RunningApp[];
  const gateway = SYSTEM.find((app) => app.name === 'gateway')!;

  beforeAll(async () => {
    apps = await startSystem();
  }, 90_000);

  afterAll(async () => {
    // Whatever happened above, leave the machine's services running.
    try {
      postgres.start();
      rabbitmq.start();
    } finally {
      await stopSystem(apps);
    }
  }, 60_000);

  it('reports the data-owning apps unready while PostgreSQL is down, and ready again after', async () => {
    postgres.stop();
    await expectAll(readyUrls(DATA_OWNERS), 503, 5_000);
    expect(await statusOf(`http://127.0.0.1:${gateway.port}/health/ready`)).toBe(200);

    postgres.start();
    await expectAll(readyUrls(DATA_OWNERS), 200, 15_000);
    expect(apps.every((app) => app.process.exitCode === null)).toBe(true);
  }, 60_000);

  it('reports them unready while RabbitMQ is down, and ready again once they reconnect', async () => {
    rabbitmq.stop();
    await expectAll(readyUrls(DATA_OWNERS), 503, 5_000);

    rabbitmq.start();
    await expectAll(readyUrls(DATA_OWNERS), 200, 20_000);
    expect(apps.every((app) => app.process.exitCode === null)).toBe(true);
  }, 90_000);
});

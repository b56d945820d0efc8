import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from '@jest/globals';
import { eventually } from '../../../test/support/eventually.js';
import { HealthChecker } from './health-checker.js';
import { InstanceRegistry } from './instance-registry.js';

/** An instance whose readiness fails `failing` times (it is starting), then passes. */
async function aStartingInstance(failing: number): Promise<{ url: string; server: Server }> {
  let checks = 0;
  const server = createServer((_request, response) => {
    checks += 1;
    response.writeHead(checks > failing ? 200 : 503).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

describe(HealthChecker.name, () => {
  let checker: HealthChecker | undefined;
  let server: Server | undefined;

  afterEach(async () => {
    checker?.stop();
    await new Promise((resolve) => server?.close(resolve));
  });

  it('checks an instance that is still starting again soon, not a whole interval later', async () => {
    const registry = new InstanceRegistry();
    const instance = await aStartingInstance(2);
    server = instance.server;
    // An hour between checks: only the quick re-checks of a starting instance can see it ready.
    checker = new HealthChecker(registry, { intervalMs: 3_600_000, timeoutMs: 1000 });
    registry.sync('static', 'credit', [instance.url]);
    checker.start();
    await eventually(() => registry.healthy('credit').length === 1, {
      timeoutMs: 10_000,
      what: 'credit seen ready',
    });
    expect(registry.instancesOf('credit')[0]).toMatchObject({ status: 'UP', failures: 0 });
  });
});

import { once } from 'node:events';
import {
  createServer,
  type IncomingMessage,
  type RequestListener,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { InstanceRegistry, LeastPendingBalancer } from '@app/discovery';
import {
  UpstreamResponseError,
  UpstreamTimeoutError,
  UpstreamUnavailableError,
} from '../errors/gateway.error.js';
import { loadGatewayConfig } from '../gateway.config.js';
import { ServiceDirectory } from './service-directory.js';
import { UpstreamClient } from './upstream.client.js';

const context = { requestId: 'r-1', traceparent: `00-${'1'.repeat(32)}-${'2'.repeat(16)}-01` };
/** A port that was free a moment ago: connections to it are refused. */
async function aDeadUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}`;
}

/** A stand-in instance answering every request with `status`, counting what it got. */
async function anInstance(
  status: number,
): Promise<{ url: string; hits: () => number; server: Server }> {
  let hits = 0;
  const server = createServer((_request, response) => {
    hits += 1;
    response.writeHead(status, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ ok: status < 400 }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, hits: () => hits, server };
}

/** A stand-in instance answering with `listener`. */
async function anInstanceAnswering(
  listener: RequestListener,
): Promise<{ url: string; server: Server }> {
  const server = createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, server };
}

/** A stand-in instance that holds the requests it gets until `release`, then answers at once. */
async function aBusyInstance() {
  const held: ServerResponse[] = [];
  let hits = 0;
  let holding = true;
  const server = createServer((_request, response) => {
    hits += 1;
    if (holding) held.push(response);
    else response.end('{}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const release = () => {
    holding = false;
    for (const response of held.splice(0)) response.end('{}');
  };
  return { url: `http://127.0.0.1:${port}`, hits: () => hits, server, release };
}

describe(UpstreamClient.name, () => {
  let registry: InstanceRegistry;
  let client: UpstreamClient;
  const servers: Server[] = [];

  beforeEach(() => {
    // Ejection is the registry's business (its own spec); here it must not hide the breaker.
    registry = new InstanceRegistry({
      ejection: { consecutiveFailures: 1000, baseMs: 1000, maxMs: 1000 },
    });
    const config = loadGatewayConfig({ LOG_LEVEL: 'silent', UPSTREAM_BREAKER_FAILURES: '3' });
    client = new UpstreamClient(
      new ServiceDirectory(registry, new LeastPendingBalancer(registry)),
      config,
    );
  });

  afterEach(async () => {
    await Promise.all(
      servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))),
    );
  });

  async function credit(...statuses: (number | 'dead')[]) {
    const instances = await Promise.all(
      statuses.map((status) =>
        status === 'dead' ? Promise.resolve(undefined) : anInstance(status),
      ),
    );
    for (const instance of instances) if (instance) servers.push(instance.server);
    const dead = await aDeadUrl();
    const urls = instances.map((instance) => instance?.url ?? dead);
    registry.sync('static', 'credit', urls);
    for (const instance of registry.list()) registry.recordCheck(instance.id, true);
    return instances;
  }

  /** The only instance of credit, answering with `listener`. */
  async function creditAnswering(listener: RequestListener): Promise<Server> {
    const { url, server } = await anInstanceAnswering(listener);
    servers.push(server);
    registry.sync('static', 'credit', [url]);
    for (const instance of registry.list()) registry.recordCheck(instance.id, true);
    return server;
  }

  it('keeps a 4xx with its message and details, and turns a 5xx into 502 without its words', async () => {
    let status = 409;
    await creditAnswering((_request, response) => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ message: `said with ${status}`, details: { field: 'x' } }));
    });
    const post = { method: 'POST' as const, path: '/x', body: {} };
    await expect(client.json('credit', post, context)).rejects.toMatchObject({
      constructor: UpstreamResponseError,
      status: 409,
      message: 'said with 409',
      details: { field: 'x' },
    });
    status = 500;
    await expect(client.json('credit', post, context)).rejects.toMatchObject({
      constructor: UpstreamResponseError,
      status: 502,
      message: 'credit failed to answer the request',
      details: undefined,
    });
  });

  it('answers 503 for a busy service, with the Retry-After it asked for', async () => {
    let retryAfter: string | undefined = '2';
    await creditAnswering((_request, response) => {
      response.writeHead(503, {
        'content-type': 'application/json',
        ...(retryAfter === undefined ? {} : { 'retry-after': retryAfter }),
      });
      response.end(
        JSON.stringify({ message: 'The database is busy or restarting; retry shortly' }),
      );
    });
    const post = { method: 'POST' as const, path: '/x', body: {} };
    await expect(client.json('credit', post, context)).rejects.toMatchObject({
      constructor: UpstreamResponseError,
      status: 503,
      message: 'The credit service is busy; try again later',
      retryAfterSeconds: 2,
    });
    retryAfter = undefined;
    await expect(client.json('credit', post, context)).rejects.toMatchObject({
      status: 503,
      retryAfterSeconds: 1,
    });
  });

  it('sends the JSON body, query and forwarded headers, and parses the JSON answer', async () => {
    const seen: { url?: string; headers?: IncomingMessage['headers']; body?: string } = {};
    await creditAnswering((request, response) => {
      let body = '';
      request.setEncoding('utf8');
      request.on('data', (chunk: string) => (body += chunk));
      request.on('end', () => {
        Object.assign(seen, { url: request.url, headers: request.headers, body });
        response.writeHead(201, { 'content-type': 'application/json' });
        response.end('{"id":"o-1"}');
      });
    });
    const answer = await client.json(
      'credit',
      { method: 'POST', path: '/x', query: { limit: 2, skip: undefined }, body: { total: 5 } },
      { ...context, authorization: 'Bearer t' },
    );
    expect(answer).toEqual({ status: 201, body: { id: 'o-1' } });
    expect(seen.url).toBe('/x?limit=2');
    expect(seen.body).toBe('{"total":5}');
    expect(seen.headers).toMatchObject({
      'content-type': 'application/json',
      'x-request-id': 'r-1',
      traceparent: context.traceparent,
      authorization: 'Bearer t',
    });
  });

  it('keeps the path prefix of an instance URL', async () => {
    let seenUrl: string | undefined;
    const { url, server } = await anInstanceAnswering((request, response) => {
      seenUrl = request.url;
      response.end('{}');
    });
    servers.push(server);
    registry.sync('static', 'credit', [`${url}/credit-api`]);
    for (const instance of registry.list()) registry.recordCheck(instance.id, true);
    await client.json('credit', { method: 'GET', path: '/x' }, context);
    expect(seenUrl).toBe('/credit-api/x');
  });

  it('answers 504 when the instance does not answer within the route timeout, without a retry', async () => {
    const busy = await aBusyInstance();
    servers.push(busy.server);
    registry.sync('static', 'credit', [busy.url]);
    for (const instance of registry.list()) registry.recordCheck(instance.id, true);
    const slow = client.json('credit', { method: 'GET', path: '/x', timeoutMs: 50 }, context);
    await expect(slow).rejects.toBeInstanceOf(UpstreamTimeoutError);
    busy.release();
    expect(busy.hits()).toBe(1);
  });

  it('keeps connections to an instance open for the next requests', async () => {
    const server = await creditAnswering((_request, response) => response.end('{}'));
    let connections = 0;
    server.on('connection', () => (connections += 1));
    for (let i = 0; i < 20; i += 1) {
      await client.json('credit', { method: 'GET', path: '/x' }, context);
    }
    // The pool may open a second one while the first is still finishing its answer; never more.
    expect(connections).toBeLessThanOrEqual(2);
  });

  it('relays a stream as it arrives and hangs up on the service when closed', async () => {
    let hungUp: Promise<unknown> | undefined;
    await creditAnswering((_request, response) => {
      hungUp = once(response, 'close');
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      response.write('data: first\n\n');
    });
    const stream = await client.stream('credit', { method: 'GET', path: '/events' }, context);
    // The first event arrives while the service keeps the stream open: nothing waits for its end.
    const [first] = (await once(stream.body, 'data')) as [Buffer];
    expect(first.toString()).toBe('data: first\n\n');
    stream.close();
    await hungUp;
  });

  it('fails over from an instance that refuses connections and counts its failure', async () => {
    const [, healthy] = await credit('dead', 200);
    for (let i = 0; i < 4; i += 1) {
      const answer = await client.json('credit', { method: 'GET', path: '/x' }, context);
      expect(answer.status).toBe(200);
    }
    const failures = (healthyOrNot: boolean) =>
      registry
        .instancesOf('credit')
        .filter((instance) => (instance.url === healthy?.url) === healthyOrNot)
        .map((instance) => instance.failures);
    expect(failures(true)).toEqual([0]);
    expect(failures(false)[0]).toBeGreaterThanOrEqual(1);
    expect(healthy?.hits()).toBe(4);
  });

  it('sends new requests past an instance still busy with an earlier one', async () => {
    const busy = await aBusyInstance();
    const idle = await anInstance(200);
    servers.push(busy.server, idle.server);
    registry.sync('static', 'credit', [busy.url, idle.url]);
    for (const instance of registry.list()) registry.recordCheck(instance.id, true);
    const get = { method: 'GET' as const, path: '/x' };

    // Two at once go one to each instance; the busy one holds its request.
    const firstTwo = [client.json('credit', get, context), client.json('credit', get, context)];
    await Promise.race(firstTwo);
    for (let i = 0; i < 4; i += 1) {
      expect((await client.json('credit', get, context)).status).toBe(200);
    }
    expect([busy.hits(), idle.hits()]).toEqual([1, 5]);

    busy.release();
    await Promise.all(firstTwo);
    await client.json('credit', get, context);
    await client.json('credit', get, context);
    // Idle again: turns alternate.
    expect([busy.hits(), idle.hits()]).toEqual([2, 6]);
  });

  it('fails over a POST that never reached an instance', async () => {
    await credit('dead', 201);
    const request = { method: 'POST' as const, path: '/x', body: {} };
    for (let i = 0; i < 2; i += 1) {
      expect((await client.json('credit', request, context)).status).toBe(201);
    }
  });

  it('retries a 5xx on another instance only for an idempotent request', async () => {
    const [failing, healthy] = await credit(500, 200);
    const post = { method: 'POST' as const, path: '/x', body: {} };
    const outcomes = await Promise.allSettled([
      client.json('credit', post, context),
      client.json('credit', post, context),
    ]);
    expect(outcomes.map((outcome) => outcome.status).sort()).toEqual(['fulfilled', 'rejected']);
    // Not retried: each POST reached exactly one instance.
    expect((failing?.hits() ?? 0) + (healthy?.hits() ?? 0)).toBe(2);
    const keyed = { ...post, headers: { 'idempotency-key': 'k-1' } };
    for (let i = 0; i < 4; i += 1) {
      expect((await client.json('credit', keyed, context)).status).toBe(200);
    }
    // Turns alternate, so some keyed POSTs met the failing instance first and were retried.
    expect(failing?.hits()).toBeGreaterThan(1);
  });

  it('opens the circuit after consecutive failed calls and then fails fast', async () => {
    const [failing] = await credit(503);
    const get = { method: 'GET' as const, path: '/x' };
    for (let i = 0; i < 3; i += 1) {
      await expect(client.json('credit', get, context)).rejects.toThrow();
    }
    const before = failing?.hits();
    await expect(client.json('credit', get, context)).rejects.toMatchObject({
      constructor: UpstreamUnavailableError,
      reason: 'circuit-open',
      // UPSTREAM_BREAKER_HALF_OPEN_MS defaults to 10 s: try again when the circuit lets one by.
      retryAfterSeconds: 10,
    });
    expect(failing?.hits()).toBe(before);
  });

  it('answers 503 for a service with no instance at all', async () => {
    await expect(
      client.json('payment', { method: 'GET', path: '/x' }, context),
    ).rejects.toBeInstanceOf(UpstreamUnavailableError);
  });

  it('answers 503 at once, naming the service, when its only instance is down', async () => {
    const [down] = await credit(200);
    registry.recordCheck(registry.instancesOf('credit')[0].id, false);
    const failure = client.json('credit', { method: 'GET', path: '/x' }, context);
    await expect(failure).rejects.toMatchObject({
      constructor: UpstreamUnavailableError,
      reason: 'no-healthy-instance',
      // One health-check interval (5 s by default): when the gateway may see it back.
      retryAfterSeconds: 5,
      message: 'The credit service is unavailable: it has no healthy instance; try again later',
    });
    expect(down?.hits()).toBe(0);
  });

  it('answers 503 when the last instance turned unhealthy between the check and the pick', async () => {
    /** The race: a candidate when the call starts, none left when an attempt picks one. */
    class DirectoryLosingItsLastInstance extends ServiceDirectory {
      override hasCandidate(): boolean {
        return true;
      }
      override instanceFor(): undefined {
        return undefined;
      }
    }
    const racing = new UpstreamClient(
      new DirectoryLosingItsLastInstance(registry, new LeastPendingBalancer(registry)),
      loadGatewayConfig({ LOG_LEVEL: 'silent' }),
    );
    await expect(
      racing.json('credit', { method: 'GET', path: '/x' }, context),
    ).rejects.toMatchObject({
      constructor: UpstreamUnavailableError,
      reason: 'no-healthy-instance',
      retryAfterSeconds: 5,
    });
  });

  it('does not open the circuit for requests that found no instance to call', async () => {
    const [instance] = await credit(200);
    const id = registry.instancesOf('credit')[0].id;
    registry.recordCheck(id, false);
    for (let i = 0; i < 5; i += 1) {
      await expect(client.json('credit', { method: 'GET', path: '/x' }, context)).rejects.toThrow();
    }
    registry.recordCheck(id, true);
    expect((await client.json('credit', { method: 'GET', path: '/x' }, context)).status).toBe(200);
    expect(instance?.hits()).toBe(1);
  });
});

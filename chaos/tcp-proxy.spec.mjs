import { connect, createServer } from 'node:net';
import { once } from 'node:events';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { TcpProxy } from './tcp-proxy.mjs';

/** An echo server on a free port, standing in for PostgreSQL or RabbitMQ. */
async function echoServer() {
  const server = createServer((socket) => socket.pipe(socket));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return server;
}

async function freePort() {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Sends `text` through a socket and resolves with the echo and how long it took. */
async function roundTrip(socket, text) {
  const started = Date.now();
  let received = '';
  socket.write(text);
  while (received.length < text.length) received += String((await once(socket, 'data'))[0]);
  return { received, ms: Date.now() - started };
}

describe('TcpProxy', () => {
  let upstream;
  let proxy;
  const clients = [];
  const client = async () => {
    const socket = connect({ host: '127.0.0.1', port: proxy.listenPort });
    clients.push(socket);
    await once(socket, 'connect');
    return socket;
  };

  beforeEach(async () => {
    upstream = await echoServer();
    proxy = await new TcpProxy({
      name: 'test',
      listenPort: await freePort(),
      targetPort: upstream.address().port,
    }).listen();
  });

  afterEach(async () => {
    clients.forEach((socket) => socket.destroy());
    await proxy.close();
    await new Promise((resolve) => upstream.close(resolve));
  });

  it('passes bytes both ways', async () => {
    expect((await roundTrip(await client(), 'hello')).received).toBe('hello');
  });

  it('holds every chunk for the latency asked, and passes at once again after restore', async () => {
    const socket = await client();
    proxy.delay(150);
    const slow = await roundTrip(socket, 'slow');
    expect(slow.received).toBe('slow');
    // Both directions are delayed: there and back.
    expect(slow.ms).toBeGreaterThanOrEqual(290);
    proxy.restore();
    expect((await roundTrip(socket, 'fast')).ms).toBeLessThan(100);
  });

  it('keeps chunks in order when the latency drops while some are held', async () => {
    const socket = await client();
    proxy.delay(200);
    socket.write('a');
    proxy.delay(0);
    let received = '';
    socket.write('b');
    while (received.length < 2) received += String((await once(socket, 'data'))[0]);
    expect(received).toBe('ab');
  });

  it('drops open connections on cut and refuses new ones for a while, then accepts again', async () => {
    const socket = await client();
    const closed = once(socket, 'close');
    proxy.cut(300);
    await closed;

    const refused = connect({ host: '127.0.0.1', port: proxy.listenPort });
    clients.push(refused);
    refused.on('error', () => undefined);
    await once(refused, 'close');
    expect(proxy.stats.refused).toBe(1);

    await new Promise((resolve) => setTimeout(resolve, 350));
    expect((await roundTrip(await client(), 'back')).received).toBe('back');
  });
});

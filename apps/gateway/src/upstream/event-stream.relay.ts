import { holdWritesForTurn } from '@app/runtime';
import type { FastifyReply } from 'fastify';
import type { UpstreamStream } from './upstream.client.js';

/**
 * Passes server-sent events through as they arrive: headers go out at once, nothing is buffered,
 * and the service's stream is closed when the client goes away. The stream is written to the
 * Node response itself, so Fastify is told it no longer answers this request.
 */
export function relayEventStream(stream: UpstreamStream, reply: FastifyReply): void {
  reply.hijack();
  const response = reply.raw;
  response.statusCode = 200;
  response.setHeader('content-type', 'text/event-stream; charset=utf-8');
  response.setHeader('cache-control', 'no-cache');
  response.setHeader('connection', 'keep-alive');
  // Tells a proxy in front (nginx) not to buffer the stream either.
  response.setHeader('x-accel-buffering', 'no');
  response.flushHeaders();
  response.on('close', () => stream.close());
  // The service went away mid-stream: end ours so the client reconnects.
  stream.body.on('error', () => response.end());
  // Events that come together leave together: one write, not one per event (before the pipe's
  // own listener, so the first of them is held too).
  stream.body.on('data', () => holdWritesForTurn(response));
  stream.body.pipe(response);
}

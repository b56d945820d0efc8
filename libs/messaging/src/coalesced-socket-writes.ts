import type { Writable } from 'node:stream';
import type { ChannelModel } from 'amqplib';

/** amqplib keeps its connection's socket as `stream`, which its types leave out. */
interface WithStream {
  stream?: Writable;
}

const coalesced = new WeakSet<Writable>();

/**
 * Sends what amqplib writes to the broker in one turn of the event loop in one system call.
 * amqplib writes each frame group (a publish, an ack, a heartbeat) to the socket on its own, and
 * with Nagle's algorithm off (`noDelay`) each write is then its own system call and TCP segment:
 * under load a turn often holds several publishes and acks. The socket is corked at a turn's first
 * write and uncorked once the turn's synchronous work and its ticks are done, so nothing waits
 * for a later turn. A model whose socket cannot be reached is left as it is.
 */
export function coalesceSocketWrites(model: ChannelModel): void {
  const socket = (model.connection as unknown as WithStream).stream;
  if (!socket || typeof socket.cork !== 'function' || coalesced.has(socket)) return;
  coalesced.add(socket);
  const write = socket.write.bind(socket) as (...args: unknown[]) => boolean;
  let corked = false;
  const uncork = (): void => {
    corked = false;
    socket.uncork();
  };
  socket.write = ((...args: unknown[]) => {
    if (!corked) {
      corked = true;
      socket.cork();
      process.nextTick(uncork);
    }
    return write(...args);
  }) as Writable['write'];
}

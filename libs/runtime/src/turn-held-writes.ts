import type { Writable } from 'node:stream';

const held = new WeakSet<Writable>();

/**
 * Holds `stream`'s writes until the end of this turn of the event loop, then sends them in one
 * system call: a long-lived stream (server-sent events) often writes several events in one turn,
 * each otherwise its own system call and TCP segment. Released on the next turn
 * (`setImmediate`), since writers that wait for their previous write's callback come back a tick
 * later. A stream already held, or destroyed, is left as it is.
 */
export function holdWritesForTurn(stream: Writable): void {
  if (held.has(stream) || stream.destroyed) return;
  held.add(stream);
  stream.cork();
  setImmediate(() => {
    held.delete(stream);
    stream.uncork();
  });
}

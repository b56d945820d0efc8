import { Writable } from 'node:stream';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { describe, expect, it } from '@jest/globals';
import { holdWritesForTurn } from './turn-held-writes.js';

/** A stream that records each write it is asked to do at once: what a socket makes a syscall. */
function aRecordingStream() {
  const writes: string[][] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      writes.push([chunk.toString()]);
      done();
    },
    writev(chunks, done) {
      writes.push(chunks.map(({ chunk }) => (chunk as Buffer).toString()));
      done();
    },
  });
  return { stream, writes };
}

/** Writes `events` a tick apart, as Nest writes server-sent events (each after the one before). */
async function writeInTurn(stream: Writable, events: string[], hold: boolean): Promise<void> {
  for (const event of events) {
    if (hold) holdWritesForTurn(stream);
    stream.write(event);
    await new Promise((resolve) => process.nextTick(resolve));
  }
}

describe(holdWritesForTurn.name, () => {
  it('sends what a turn writes in one write, the writes a tick apart', async () => {
    const { stream, writes } = aRecordingStream();

    await writeInTurn(stream, ['a', 'b', 'c'], true);
    expect(writes).toEqual([]);
    await nextTurn();
    expect(writes).toEqual([['a', 'b', 'c']]);
  });

  it('holds each turn apart: what the next turn writes is its own write', async () => {
    const { stream, writes } = aRecordingStream();

    await writeInTurn(stream, ['a', 'b'], true);
    await nextTurn();
    await writeInTurn(stream, ['c'], true);
    await nextTurn();
    expect(writes).toEqual([['a', 'b'], ['c']]);
  });

  it('writes one by one without it', async () => {
    const { stream, writes } = aRecordingStream();

    await writeInTurn(stream, ['a', 'b', 'c'], false);
    expect(writes).toEqual([['a'], ['b'], ['c']]);
  });

  it('leaves a destroyed stream alone', () => {
    const { stream } = aRecordingStream();
    stream.destroy();

    holdWritesForTurn(stream);
    expect(stream.writableCorked).toBe(0);
  });
});

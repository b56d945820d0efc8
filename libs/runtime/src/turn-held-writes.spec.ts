import type { Writable } from 'node:stream';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { describe, expect, it } from '@jest/globals';
import { aRecordingWritable } from '../../../test/support/recording-writable.js';
import { holdWritesForTurn } from './turn-held-writes.js';

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
    const { stream, writes } = aRecordingWritable();

    await writeInTurn(stream, ['a', 'b', 'c'], true);
    expect(writes).toEqual([]);
    await nextTurn();
    expect(writes).toEqual([['a', 'b', 'c']]);
  });

  it('holds each turn apart: what the next turn writes is its own write', async () => {
    const { stream, writes } = aRecordingWritable();

    await writeInTurn(stream, ['a', 'b'], true);
    await nextTurn();
    await writeInTurn(stream, ['c'], true);
    await nextTurn();
    expect(writes).toEqual([['a', 'b'], ['c']]);
  });

  it('writes one by one without it', async () => {
    const { stream, writes } = aRecordingWritable();

    await writeInTurn(stream, ['a', 'b', 'c'], false);
    expect(writes).toEqual([['a'], ['b'], ['c']]);
  });

  it('leaves a destroyed stream alone', () => {
    const { stream } = aRecordingWritable();
    stream.destroy();

    holdWritesForTurn(stream);
    expect(stream.writableCorked).toBe(0);
  });
});

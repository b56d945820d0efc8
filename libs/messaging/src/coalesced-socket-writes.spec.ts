import { describe, expect, it } from '@jest/globals';
import type { ChannelModel } from 'amqplib';
import { aRecordingWritable } from '../../../test/support/recording-writable.js';
import { coalesceSocketWrites } from './coalesced-socket-writes.js';

/** A model whose connection's socket records each write it is asked to do at once (a syscall). */
function aModel() {
  const { stream, writes } = aRecordingWritable();
  const model = { connection: { stream } } as unknown as ChannelModel;
  return { model, stream, writes };
}

const tick = () => new Promise((resolve) => process.nextTick(resolve));

describe(coalesceSocketWrites.name, () => {
  it('sends the frames written in one turn in one write, once the turn is done', async () => {
    const { model, stream, writes } = aModel();
    coalesceSocketWrites(model);

    // As amqplib's muxer writes a round of frames: a publish, an ack, another publish.
    stream.write('publish-1');
    stream.write('ack-1');
    stream.write('publish-2');
    expect(writes).toEqual([]);
    await tick();
    expect(writes).toEqual([['publish-1', 'ack-1', 'publish-2']]);

    stream.write('ack-2');
    await tick();
    expect(writes).toEqual([['publish-1', 'ack-1', 'publish-2'], ['ack-2']]);
  });

  it('wraps a socket once, however often the connection is set up', async () => {
    const { model, stream, writes } = aModel();
    coalesceSocketWrites(model);
    coalesceSocketWrites(model);

    stream.write('publish-1');
    stream.write('publish-2');
    await tick();
    expect(writes).toEqual([['publish-1', 'publish-2']]);
    expect(stream.writableCorked).toBe(0);
  });

  it('leaves a model without a reachable socket as it is', () => {
    expect(() => coalesceSocketWrites({ connection: {} } as unknown as ChannelModel)).not.toThrow();
  });
});

import { Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { connect, type ChannelModel } from 'amqplib';
import { AMQP_URL } from '../../../test/support/scratch-namespace.js';
import { coalesceSocketWrites } from '../src/coalesced-socket-writes.js';

/** The socket's own write methods (a Writable implementation's), to count what it is asked. */
interface SocketInternals {
  _write: (...args: unknown[]) => void;
  _writev: (...args: unknown[]) => void;
}

/**
 * amqplib's socket is reached through an internal field (its types leave it out): this suite
 * pins that against the real library and broker, so an upgrade that moves it fails here instead
 * of silently sending every frame on its own again.
 */
describe('coalesceSocketWrites on a real amqplib connection', () => {
  let model: ChannelModel;

  beforeAll(async () => {
    model = await connect(AMQP_URL, { noDelay: true });
  });

  afterAll(async () => {
    await model.close();
  });

  it('sends the frames of one turn in one socket write and delivers them all', async () => {
    const { stream } = model.connection as unknown as { stream: Socket };
    expect(stream).toBeInstanceOf(Socket);
    coalesceSocketWrites(model);
    const channel = await model.createConfirmChannel();
    const { queue } = await channel.assertQueue('', { exclusive: true });
    // What the socket hands to the system, one entry per write: the frames in each.
    const writes: number[] = [];
    const { _write: write, _writev: writev } = stream as unknown as SocketInternals;
    Object.assign(stream, {
      _write(...args: unknown[]) {
        writes.push(1);
        return write.apply(stream, args);
      },
      _writev(chunks: unknown[], ...rest: unknown[]) {
        writes.push(chunks.length);
        return writev.apply(stream, [chunks, ...rest]);
      },
    });

    const confirms = ['one', 'two', 'three'].map(
      (body) =>
        new Promise<void>((resolve, reject) =>
          channel.sendToQueue(queue, Buffer.from(body), {}, (error: unknown) =>
            error ? reject(new Error('the broker refused the message')) : resolve(),
          ),
        ),
    );
    await Promise.all(confirms);
    expect(writes).toEqual([3]);

    const bodies: string[] = [];
    for (let got = await channel.get(queue); got; got = await channel.get(queue)) {
      bodies.push(got.content.toString());
    }
    expect(bodies).toEqual(['one', 'two', 'three']);
    await channel.close();
  });
});

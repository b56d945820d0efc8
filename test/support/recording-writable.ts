import { Writable } from 'node:stream';

/**
 * A stream that records each write it is asked to do at once, as the chunks in it: what a socket
 * turns into one system call. For specs of write coalescing.
 */
export function aRecordingWritable(): { stream: Writable; writes: string[][] } {
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

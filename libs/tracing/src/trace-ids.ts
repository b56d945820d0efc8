import { randomFillSync } from 'node:crypto';

/**
 * Random bytes for trace and span ids, filled a few hundred ids at a time: a `randomBytes` call
 * per id (one per message sent, one per request without a trace) is a call into OpenSSL and a
 * system call each, which measured ~1.5% of the gateway's CPU under load. (Node's randomUUID
 * buffers its entropy the same way.)
 */
const entropy = Buffer.alloc(24 * 256);
let used = entropy.length;

function randomHex(bytes: number): string {
  if (used + bytes > entropy.length) {
    randomFillSync(entropy);
    used = 0;
  }
  const start = used;
  used += bytes;
  return entropy.toString('hex', start, start + bytes);
}

/** A new W3C trace id: 16 random bytes, as 32 lowercase hex digits. */
export const newTraceId = (): string => randomHex(16);

/** A new W3C span (parent) id: 8 random bytes, as 16 lowercase hex digits. */
export const newSpanId = (): string => randomHex(8);

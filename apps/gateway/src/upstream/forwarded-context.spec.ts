import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from '@jest/globals';
import { forwardedContextOf, newTraceparent } from './forwarded-context.js';

const VALID = /^00-(?!0{32})[0-9a-f]{32}-(?!0{16})[0-9a-f]{16}-01$/;

function aRequest(headers: Record<string, string> = {}) {
  return { id: 'r-1', headers } as unknown as IncomingMessage & { id: string };
}

describe(forwardedContextOf.name, () => {
  it('passes on the caller’s request id, valid trace context and token', () => {
    const traceparent = `00-${'a'.repeat(32)}-${'b'.repeat(16)}-01`;
    expect(forwardedContextOf(aRequest({ traceparent, authorization: 'Bearer t' }))).toEqual({
      requestId: 'r-1',
      traceparent,
      authorization: 'Bearer t',
    });
  });

  it('starts a trace when the caller sent none or an invalid one', () => {
    const withoutValidTrace: Record<string, string>[] = [
      {},
      { traceparent: `00-${'0'.repeat(32)}-${'b'.repeat(16)}-01` },
    ];
    for (const headers of withoutValidTrace) {
      expect(forwardedContextOf(aRequest(headers)).traceparent).toMatch(VALID);
    }
  });
});

describe(newTraceparent.name, () => {
  it('gives every new trace its own ids, also across refills of its random bytes', () => {
    const traces = Array.from({ length: 2000 }, () => newTraceparent());
    for (const trace of traces) expect(trace).toMatch(VALID);
    expect(new Set(traces.map((trace) => trace.slice(3, 35))).size).toBe(traces.length);
    expect(new Set(traces.map((trace) => trace.slice(36, 52))).size).toBe(traces.length);
  });
});

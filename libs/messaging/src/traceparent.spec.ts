import { describe, expect, it } from '@jest/globals';
import { TraceFlags } from '@opentelemetry/api';
import { outgoingTraceparent, parseTraceparent } from './traceparent.js';

const incoming = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

describe(outgoingTraceparent.name, () => {
  it('continues the trace being handled with a new parent id', () => {
    const outgoing = outgoingTraceparent(undefined, incoming);
    expect(outgoing).toMatch(/^00-4bf92f3577b34da6a3ce929d0e0e4736-[0-9a-f]{16}-01$/);
    expect(outgoing).not.toBe(incoming);
  });

  it('uses the active span of a plugged-in tracer', () => {
    const span = {
      traceId: 'a'.repeat(32),
      spanId: 'b'.repeat(16),
      traceFlags: TraceFlags.SAMPLED,
      isRemote: false,
    };
    expect(outgoingTraceparent(span, incoming)).toBe(`00-${'a'.repeat(32)}-${'b'.repeat(16)}-01`);
  });

  it('starts a new trace when there is none', () => {
    expect(parseTraceparent(outgoingTraceparent(undefined, undefined))).toBeDefined();
  });

  it('ignores a malformed traceparent', () => {
    expect(parseTraceparent('00-zz-00-01')).toBeUndefined();
  });
});

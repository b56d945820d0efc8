import { describe, expect, it } from '@jest/globals';
import { newSpanId, newTraceId } from './trace-ids.js';

describe('trace ids', () => {
  it('makes W3C trace and span ids: lowercase hex of 16 and 8 bytes', () => {
    expect(newTraceId()).toMatch(/^[0-9a-f]{32}$/);
    expect(newSpanId()).toMatch(/^[0-9a-f]{16}$/);
  });

  it('never repeats one, across many refills of its entropy', () => {
    const ids = Array.from({ length: 5000 }, () => newTraceId() + newSpanId());
    expect(new Set(ids).size).toBe(ids.length);
  });
});

import { describe, expect, it } from '@jest/globals';
import { backoffDelay } from './retry-policy.js';

const options = { initialDelayMs: 100, maxDelayMs: 1000 };
const noJitter = () => 0.5;

describe(backoffDelay.name, () => {
  it('doubles the delay with every attempt', () => {
    expect([1, 2, 3, 4].map((attempt) => backoffDelay(attempt, options, noJitter))).toEqual([
      100, 200, 400, 800,
    ]);
  });

  it('never exceeds the maximum', () => {
    expect(backoffDelay(10, options, () => 1)).toBe(1000);
  });

  it('spreads retries by at most a fifth either way', () => {
    expect(backoffDelay(2, options, () => 0)).toBe(160);
    expect(backoffDelay(2, options, () => 0.999999)).toBe(240);
  });
});

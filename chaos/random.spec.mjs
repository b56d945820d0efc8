import { describe, expect, it } from '@jest/globals';
import { Random } from './random.mjs';

describe('Random', () => {
  it('gives the same sequence for the same seed, another for another seed', () => {
    const draw = (seed) => Array.from({ length: 5 }, () => new Random(seed).next());
    const a = new Random(7);
    const b = new Random(7);
    expect(Array.from({ length: 20 }, () => a.next())).toEqual(
      Array.from({ length: 20 }, () => b.next()),
    );
    expect(draw(7)).not.toEqual(draw(8));
  });

  it('keeps integers within their bounds, both included', () => {
    const rng = new Random(1);
    const seen = new Set(Array.from({ length: 2000 }, () => rng.int(3, 6)));
    expect([...seen].sort()).toEqual([3, 4, 5, 6]);
  });

  it('chooses in proportion to weights and never a zero weight', () => {
    const rng = new Random(2);
    const counts = { a: 0, b: 0, never: 0 };
    for (let i = 0; i < 10_000; i += 1) counts[rng.weighted({ a: 0.8, b: 0.2, never: 0 })] += 1;
    expect(counts.never).toBe(0);
    expect(counts.a / 10_000).toBeCloseTo(0.8, 1);
  });

  it('forks streams that depend on the label, not on draws made elsewhere', () => {
    const root = new Random(3);
    const first = root.fork('faults').next();
    expect(new Random(3).fork('faults').next()).toBe(first);
    expect(new Random(3).fork('load').next()).not.toBe(first);
  });
});

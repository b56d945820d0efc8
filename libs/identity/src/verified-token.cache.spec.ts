import { describe, expect, it } from '@jest/globals';
import type { Principal } from './principal.js';
import { VerifiedTokenCache } from './verified-token.cache.js';

const admin: Principal = { subject: 'ops', role: 'admin' };
const START_MS = 1_800_000_000_000;

/** A cache on a clock the test moves; tokens expire an hour from the start unless told. */
function aCache(options: { maxEntries?: number; maxAgeMs?: number } = {}) {
  let nowMs = START_MS;
  const cache = new VerifiedTokenCache({ ...options, now: () => nowMs });
  return {
    cache,
    advance: (ms: number) => (nowMs += ms),
    inAnHour: START_MS / 1000 + 3600,
  };
}

describe(VerifiedTokenCache.name, () => {
  it('knows a verified token by its exact string, and no other', () => {
    const { cache, inAnHour } = aCache();
    cache.remember('header.payload.signature', admin, inAnHour);
    expect(cache.principalOf('header.payload.signature')).toEqual(admin);
    expect(cache.principalOf('header.payload.signaturf')).toBeUndefined();
    expect(cache.principalOf('header.payload.signature ')).toBeUndefined();
  });

  it('forgets a token at its expiry', () => {
    const { cache, advance } = aCache();
    cache.remember('t', admin, START_MS / 1000 + 30);
    advance(29_999);
    expect(cache.principalOf('t')).toEqual(admin);
    advance(1);
    expect(cache.principalOf('t')).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('trusts a verification for at most its maximum age, however late the expiry', () => {
    const { cache, advance, inAnHour } = aCache({ maxAgeMs: 60_000 });
    cache.remember('t', admin, inAnHour);
    advance(59_999);
    expect(cache.principalOf('t')).toEqual(admin);
    advance(1);
    expect(cache.principalOf('t')).toBeUndefined();
  });

  it('does not keep a token already past its expiry (accepted within the clock tolerance)', () => {
    const { cache } = aCache();
    cache.remember('t', admin, START_MS / 1000 - 2);
    expect(cache.principalOf('t')).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('holds at most its bound, letting the oldest go first', () => {
    const { cache, inAnHour } = aCache({ maxEntries: 3 });
    for (const token of ['a', 'b', 'c', 'd', 'e']) cache.remember(token, admin, inAnHour);
    expect(cache.size).toBe(3);
    expect(
      ['a', 'b', 'c', 'd', 'e'].map((token) => cache.principalOf(token) !== undefined),
    ).toEqual([false, false, true, true, true]);
  });

  it('hands out a principal nobody can change for the next request', () => {
    const { cache, inAnHour } = aCache();
    const principal: Principal = { subject: 'c', role: 'customer', customerId: 'c-1' };
    cache.remember('t', principal, inAnHour);
    principal.subject = 'changed after';
    const known = cache.principalOf('t');
    expect(known).toEqual({ subject: 'c', role: 'customer', customerId: 'c-1' });
    expect(Object.isFrozen(known)).toBe(true);
  });
});

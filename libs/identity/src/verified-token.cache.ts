import type { Principal } from './principal.js';

export interface VerifiedTokenCacheOptions {
  /** Tokens remembered at once; the oldest goes first when a new one needs room. */
  maxEntries: number;
  /** The longest a verification is trusted again, however far the token's `exp`. */
  maxAgeMs: number;
  /** Injected so tests can move time. */
  now: () => number;
}

const DEFAULTS: VerifiedTokenCacheOptions = {
  maxEntries: 4096,
  maxAgeMs: 60_000,
  now: () => Date.now(),
};

/**
 * The principals of tokens whose signature and claims were verified, by exact token string, so a
 * client sending the same token on every request costs one signature check, not one each time.
 * An entry lasts until the token's `exp` and at most `maxAgeMs`: a token is never trusted past
 * its expiry, and a signing key taken out of the JWKS stops being honoured within that bound.
 * Any other string (a forged or altered token included) misses and is verified in full; only a
 * verified token is ever remembered.
 */
export class VerifiedTokenCache {
  private readonly options: VerifiedTokenCacheOptions;
  /** In insertion order, which makes the first key the oldest entry. */
  private readonly entries = new Map<string, { principal: Principal; validUntil: number }>();

  constructor(options: Partial<VerifiedTokenCacheOptions> = {}) {
    this.options = { ...DEFAULTS, ...options };
  }

  get size(): number {
    return this.entries.size;
  }

  /** The principal of `token` if it was verified and is still within its validity. */
  principalOf(token: string): Principal | undefined {
    const entry = this.entries.get(token);
    if (!entry) return undefined;
    if (this.options.now() < entry.validUntil) return entry.principal;
    this.entries.delete(token);
    return undefined;
  }

  /** Remembers a verified token until `expiresAtSeconds` (its `exp` claim), or for `maxAgeMs`. */
  remember(token: string, principal: Principal, expiresAtSeconds: number): void {
    const now = this.options.now();
    const validUntil = Math.min(expiresAtSeconds * 1000, now + this.options.maxAgeMs);
    // Already past its `exp` (accepted within the clock tolerance): not worth keeping.
    if (validUntil <= now) return;
    this.entries.delete(token);
    while (this.entries.size >= this.options.maxEntries) {
      const oldest = this.entries.keys().next();
      if (oldest.done) break;
      this.entries.delete(oldest.value);
    }
    this.entries.set(token, { principal: Object.freeze({ ...principal }), validUntil });
  }
}

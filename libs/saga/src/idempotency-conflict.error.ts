/** An idempotency key came back with a different request than the one that first used it. */
export class IdempotencyConflictError extends Error {
  constructor(readonly idempotencyKey: string) {
    // Not the key itself: the caller knows it, and logs and proxies need not repeat it.
    super('This Idempotency-Key was already used with a different request');
    this.name = new.target.name;
  }
}

/** An idempotency key came back with a different request than the one that first used it. */
export class IdempotencyConflictError extends Error {
  constructor(readonly idempotencyKey: string) {
    super(`Idempotency key ${idempotencyKey} was already used with a different request`);
    this.name = new.target.name;
  }
}

/**
 * The provider could not answer now (timeout, 5xx, connection reset). Not a DomainError on
 * purpose: the messaging layer retries the command, and the idempotency key keeps it one charge.
 */
export class ProviderUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = ProviderUnavailableError.name;
  }
}

export interface DomainErrorOptions {
  /**
   * Commit the handler's writes with the failure reply, for a failure that is a fact worth keeping
   * (a declined card is recorded, so a repeat is answered alike). By default they are undone.
   */
  keepWrites?: boolean;
}

/**
 * A business failure with a code from the command's contract (`credit.insufficient-credit`).
 * A handler throws it to answer with the command's failure reply; anything else thrown is an
 * infrastructure error, retried and then dead-lettered.
 */
export class DomainError extends Error {
  readonly keepWrites: boolean;

  constructor(
    readonly code: string,
    message: string,
    options: DomainErrorOptions = {},
  ) {
    super(message);
    this.name = new.target.name;
    this.keepWrites = options.keepWrites ?? false;
  }
}

/**
 * A business failure with a code from the command's contract (`credit.insufficient-credit`).
 * A handler throws it to answer with the command's failure reply; anything else thrown is an
 * infrastructure error, retried and then dead-lettered.
 */
export class DomainError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

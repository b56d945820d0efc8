import { IntrinsicException } from '@nestjs/common';

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
 * infrastructure error, retried and then dead-lettered. An `IntrinsicException`, so Nest's
 * default exception filters do not log an expected answer as an error.
 */
export class DomainError extends IntrinsicException {
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

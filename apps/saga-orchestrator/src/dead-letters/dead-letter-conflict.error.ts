/** An operator asked for what the dead letter's status, or its content, does not allow. */
export class DeadLetterConflictError extends Error {
  constructor(
    readonly deadLetterId: string,
    readonly code: 'dead-letter.already-resolved' | 'dead-letter.not-replayable',
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

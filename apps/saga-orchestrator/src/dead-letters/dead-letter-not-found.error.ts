export class DeadLetterNotFoundError extends Error {
  constructor(readonly deadLetterId: string) {
    super(`Dead letter ${deadLetterId} does not exist`);
    this.name = new.target.name;
  }
}

/** A live saga of the same type already acts on the subject (two cancels of one order, say). */
export class SagaAlreadyRunningError extends Error {
  constructor(
    readonly sagaType: string,
    readonly subject: string,
    readonly runningSagaId: string | undefined,
  ) {
    super(
      `A ${sagaType} saga${runningSagaId ? ` (${runningSagaId})` : ''} is already under way for ${subject}`,
    );
    this.name = new.target.name;
  }
}

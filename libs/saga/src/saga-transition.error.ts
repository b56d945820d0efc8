/** An operator asked for a transition the saga's status does not allow. */
export class SagaTransitionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

export class SagaNotFoundError extends Error {
  constructor(readonly sagaId: string) {
    super(`Saga ${sagaId} does not exist`);
    this.name = new.target.name;
  }
}

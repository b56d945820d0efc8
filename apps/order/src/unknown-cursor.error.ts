/** A page was asked for after an order that does not exist: not a cursor this API handed out. */
export class UnknownCursorError extends Error {
  constructor(cursor: string) {
    super(`no order ${cursor} to page after`);
    this.name = UnknownCursorError.name;
  }
}

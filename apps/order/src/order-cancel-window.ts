/** How long after approval a customer may cancel an order (ORDER_CANCEL_WINDOW_MS). */
export class OrderCancelWindow {
  constructor(readonly windowMs: number) {}

  /** The end of the window of an order approved at `approvedAt`. */
  endOf(approvedAt: Date): Date {
    return new Date(approvedAt.getTime() + this.windowMs);
  }
}

import { credit, order, payment, type Money } from '@app/contracts';
import { defineSaga, type RetryPolicy, type SagaDefinition } from '@app/saga';

export interface PlaceOrderState {
  orderId: string;
  customerId: string;
  total: Money;
  /**
   * The customer's card token, needed until the charge succeeds (a timed-out charge is re-sent
   * with it). Dropped from the saga's data then: a saga record outlives the charge by far.
   */
  paymentToken?: string;
  /** Known once credit is reserved; releasing credit after a timeout works without it. */
  reservationId?: string;
  paymentId?: string;
}

export interface PlaceOrderSettings {
  stepTimeoutMs: number;
  paymentTimeoutMs: number;
  /** Sends of the charge before its outcome counts as unknown and the saga compensates. */
  paymentAttempts: number;
  /** How long each command may wait behind a busy participant's queue. */
  stepBudgetMs: number;
  retry: RetryPolicy;
}

export const DEFAULT_PLACE_ORDER_SETTINGS: PlaceOrderSettings = {
  stepTimeoutMs: 10_000,
  paymentTimeoutMs: 10_000,
  paymentAttempts: 2,
  stepBudgetMs: 120_000,
  retry: { initialDelayMs: 1000, maxDelayMs: 60_000 },
};

/** The token to charge or screen with; only steps before the charge's success ask for it. */
export function paymentTokenOf({ paymentToken }: PlaceOrderState): string {
  if (!paymentToken) {
    throw new Error('The payment token is gone: it is dropped once the charge succeeded');
  }
  return paymentToken;
}

/** What the saga keeps of a successful charge: its id, and no longer the token. */
export function chargedWith(
  { paymentToken: _dropped, ...state }: PlaceOrderState,
  { paymentId }: { paymentId: string },
): PlaceOrderState {
  return { ...state, paymentId };
}

/**
 * Places an order across order, credit and payment (docs/sagas.md). Charging payment is the pivot:
 * before it every step is undone newest first; after it the order is approved, retried until done.
 */
export function placeOrderSaga(
  settings: PlaceOrderSettings = DEFAULT_PLACE_ORDER_SETTINGS,
): SagaDefinition<PlaceOrderState> {
  return (
    defineSaga<PlaceOrderState>('place-order', {
      version: 1,
      timeout: settings.stepTimeoutMs,
      budget: settings.stepBudgetMs,
      retry: settings.retry,
    })
      .step('create pending order')
      .invoke(order.CreatePendingOrder, ({ orderId, customerId, total }) => ({
        orderId,
        customerId,
        total,
      }))
      .compensate(order.RejectOrder, ({ orderId }, { reason }) => ({ orderId, reason }))

      .step('reserve credit')
      .invoke(credit.ReserveCredit, ({ orderId, customerId, total }) => ({
        orderId,
        customerId,
        total,
      }))
      .onReply((state, reply) => ({ ...state, reservationId: reply.reservationId }))
      .compensate(credit.ReleaseCredit, ({ orderId, reservationId }) =>
        reservationId ? { orderId, reservationId } : { orderId },
      )

      .step('charge payment')
      .invoke(payment.ChargePayment, (state) => ({
        orderId: state.orderId,
        customerId: state.customerId,
        total: state.total,
        paymentToken: paymentTokenOf(state),
      }))
      .onReply(chargedWith)
      .timeout(settings.paymentTimeoutMs)
      .attempts(settings.paymentAttempts)
      // Runs only when the outcome is unknown: voids a charge that happened, fences a late one.
      .compensate(payment.CancelPayment, ({ orderId }) => ({ orderId }))
      .pivot()

      .step('approve order')
      .invoke(order.ApproveOrder, ({ orderId }) => ({ orderId }))
      .retryUntilDone()
      .build()
  );
}

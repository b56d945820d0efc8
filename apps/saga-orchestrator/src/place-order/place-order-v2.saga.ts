import { credit, order, payment } from '@app/contracts';
import { defineSaga, type SagaDefinition } from '@app/saga';
import {
  chargedWith,
  DEFAULT_PLACE_ORDER_SETTINGS,
  paymentTokenOf,
  type PlaceOrderSettings,
  type PlaceOrderState,
} from './place-order.saga.js';

/**
 * Version 2 of place-order: v1 with the payment screened for fraud before the charge. A version
 * never changes once instances run on it, so v2 is a copy of v1 with its change, registered
 * beside v1 until no v1 instance is left (the orchestrator is not ready without it meanwhile).
 */
export function placeOrderSagaV2(
  settings: PlaceOrderSettings = DEFAULT_PLACE_ORDER_SETTINGS,
): SagaDefinition<PlaceOrderState> {
  const { stepTimeoutMs: timeout, stepBudgetMs: budget, retry } = settings;
  return (
    defineSaga<PlaceOrderState>('place-order', { version: 2, timeout, budget, retry })
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

      .step('screen payment')
      .invoke(payment.ScreenPayment, (state) => ({
        orderId: state.orderId,
        customerId: state.customerId,
        total: state.total,
        paymentToken: paymentTokenOf(state),
      }))

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

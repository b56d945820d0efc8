import { credit, order, payment } from '@app/contracts';
import { defineSaga, type RetryPolicy, type SagaDefinition } from '@app/saga';

export interface CancelOrderState {
  orderId: string;
  customerId: string;
  /** This cancellation: an abort that overtakes its begin fences it by this id. */
  cancellationId: string;
  paymentId?: string;
}

export interface CancelOrderSettings {
  stepTimeoutMs: number;
  refundTimeoutMs: number;
  /** Sends of the refund before its outcome counts as unknown and an operator decides. */
  refundAttempts: number;
  stepBudgetMs: number;
  retry: RetryPolicy;
}

export const DEFAULT_CANCEL_ORDER_SETTINGS: CancelOrderSettings = {
  stepTimeoutMs: 10_000,
  refundTimeoutMs: 10_000,
  refundAttempts: 5,
  stepBudgetMs: 120_000,
  retry: { initialDelayMs: 1000, maxDelayMs: 60_000 },
};

/**
 * Cancels an approved order (DESIGN §2): the order is locked CANCELLING, its payment refunded,
 * its credit released, and it ends CANCELLED. The refund is the pivot: refused, the order goes
 * back to APPROVED with the reason; done, the rest is retried until done.
 */
export function cancelOrderSaga(
  settings: CancelOrderSettings = DEFAULT_CANCEL_ORDER_SETTINGS,
): SagaDefinition<CancelOrderState> {
  const { stepTimeoutMs: timeout, stepBudgetMs: budget, retry } = settings;
  return defineSaga<CancelOrderState>('cancel-order', { version: 1, timeout, budget, retry })
    .step('mark order cancelling')
    .invoke(order.BeginOrderCancellation, ({ orderId, customerId, cancellationId }) => ({
      orderId,
      customerId,
      cancellationId,
    }))
    .compensate(order.AbortOrderCancellation, ({ orderId, cancellationId }, { reason }) => ({
      orderId,
      cancellationId,
      reason,
    }))

    .step('refund payment')
    .invoke(payment.RefundPayment, ({ orderId }) => ({ orderId }))
    .onReply((state, reply) => ({ ...state, paymentId: reply.paymentId }))
    .timeout(settings.refundTimeoutMs)
    .attempts(settings.refundAttempts)
    .pivot()

    .step('release credit')
    .invoke(credit.ReleaseCredit, ({ orderId }) => ({ orderId }))
    .retryUntilDone()

    .step('mark order cancelled')
    .invoke(order.CompleteOrderCancellation, ({ orderId }) => ({ orderId }))
    .retryUntilDone()
    .build();
}

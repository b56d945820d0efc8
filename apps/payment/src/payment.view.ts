import type { Money } from '@app/contracts';
import type { Payment, PaymentStatus } from './payment.entity.js';

/** What `GET /payments?orderId=` answers; `amount` is null on a FENCED payment. */
export interface PaymentView {
  id: string;
  orderId: string;
  status: PaymentStatus;
  amount: Money | null;
  providerReference: string | null;
  /** Why a DECLINED payment was refused; null otherwise. */
  failure: { code: string; reason: string } | null;
  createdAt: string;
  updatedAt: string;
}

export function paymentView(found: Payment): PaymentView {
  return {
    id: found.id,
    orderId: found.orderId,
    status: found.status,
    amount:
      found.amount === null || found.currency === null
        ? null
        : { amount: found.amount, currency: found.currency },
    providerReference: found.providerReference,
    failure:
      found.failureCode === null || found.failureReason === null
        ? null
        : { code: found.failureCode, reason: found.failureReason },
    createdAt: found.createdAt.toISOString(),
    updatedAt: found.updatedAt.toISOString(),
  };
}

/** What the service asks of a payment provider: one charge per idempotency key, and its void. */
export interface ChargeRequest {
  orderId: string;
  /** Minor units. */
  amount: number;
  currency: string;
  /** The customer's card token, as the provider issued it to the frontend. */
  token: string;
  /** The provider returns the first answer again for a repeated key instead of charging twice. */
  idempotencyKey: string;
}

export type ChargeResult =
  | { outcome: 'charged'; reference: string }
  | { outcome: 'declined'; code: 'card-declined' | 'insufficient-funds'; reason: string }
  /** The provider refused the request for good (not a decline, not worth retrying). */
  | { outcome: 'failed'; reason: string };

/** A full refund of a charge; the key makes asking again safe. */
export interface RefundRequest {
  /** The charge's reference, as `charge` returned it. */
  reference: string;
  amount: number;
  currency: string;
  idempotencyKey: string;
}

export type RefundResult =
  | { outcome: 'refunded'; reference: string }
  /** The provider refused the refund for good (the charge stands). */
  | { outcome: 'refused'; reason: string };

/**
 * A payment provider. The shipped one is the simulator; a real provider (a card processor's SDK
 * or HTTP API) implements the same three calls, maps its answers onto `ChargeResult`, throws
 * `ProviderUnavailableError` for timeouts and 5xx (the message is retried), and is bound to
 * `PAYMENT_PROVIDER` in PaymentModule instead of the simulator.
 */
export interface PaymentProvider {
  charge(request: ChargeRequest): Promise<ChargeResult>;
  /** Voids (refunds) a charge; voiding one already voided succeeds. */
  void(reference: string): Promise<void>;
  /** Refunds a settled charge in full; one refund per idempotency key. */
  refund(request: RefundRequest): Promise<RefundResult>;
}

export const PAYMENT_PROVIDER = Symbol('PAYMENT_PROVIDER');

import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Logger } from '@nestjs/common';
import type {
  ChargeRequest,
  ChargeResult,
  PaymentProvider,
  RefundRequest,
  RefundResult,
} from './payment-provider.js';
import { ProviderUnavailableError } from './provider-unavailable.error.js';

/** Test tokens of the simulator: each one takes a different path through the saga. */
export const SIMULATOR_TOKENS = {
  /** Charged. */
  approve: 'tok_approve',
  /** Declined: card declined. */
  decline: 'tok_decline',
  /** Declined: insufficient funds. */
  insufficientFunds: 'tok_insufficient_funds',
  /** Charged, but only after `slowMs`: longer than the orchestrator's step timeout by default. */
  slow: 'tok_slow',
  /** A transient provider error on the first attempt for an order, then charged. */
  flaky: 'tok_flaky',
  /** Charged, but its refund is refused for good (to exercise a cancellation that fails). */
  refundFails: 'tok_refund_fails',
} as const;

/**
 * A charge made with `tok_refund_fails` says so in its reference: the refund comes long after the
 * charge (the token is gone by then), perhaps from another instance or after a restart.
 */
const NO_REFUND_MARK = 'norefund_';

export interface PaymentSimulatorOptions {
  slowMs: number;
  /** Answers (and flaky orders) kept; past it the oldest are forgotten, so memory stays bounded. */
  maxRemembered?: number;
}

const DEFAULT_MAX_REMEMBERED = 10_000;

/**
 * An in-memory payment provider for local runs and tests. Like a real one it answers a repeated
 * idempotency key with its first answer. Any token it does not know is declined.
 */
export class PaymentSimulatorProvider implements PaymentProvider {
  private readonly logger = new Logger(PaymentSimulatorProvider.name);
  /** By key, from the first call on: a repeat while the first is slow waits for the same answer. */
  private readonly answers = new Map<string, Promise<ChargeResult>>();
  private readonly flakyOrders = new Set<string>();
  private readonly refunds = new Map<string, RefundResult>();

  constructor(private readonly options: PaymentSimulatorOptions) {}

  private get maxRemembered(): number {
    return this.options.maxRemembered ?? DEFAULT_MAX_REMEMBERED;
  }

  /** How many answers and flaky orders it holds (bounded by `maxRemembered` each). */
  get remembered(): number {
    return this.answers.size + this.flakyOrders.size;
  }

  charge(request: ChargeRequest): Promise<ChargeResult> {
    const earlier = this.answers.get(request.idempotencyKey);
    if (earlier) return earlier;
    const answer = this.answer(request);
    remember(this.answers, request.idempotencyKey, answer, this.maxRemembered);
    // An unavailable provider gave no answer: the next call with the key is a new attempt.
    answer.catch(() => this.answers.delete(request.idempotencyKey));
    return answer;
  }

  refund({ reference, idempotencyKey }: RefundRequest): Promise<RefundResult> {
    const earlier = this.refunds.get(idempotencyKey);
    if (earlier) return Promise.resolve(earlier);
    const result: RefundResult = reference.includes(NO_REFUND_MARK)
      ? { outcome: 'refused', reason: 'the provider refused the refund' }
      : { outcome: 'refunded', reference: `sim_rf_${randomUUID()}` };
    this.refunds.set(idempotencyKey, result);
    this.logger.log(`Refund of ${reference}: ${result.outcome}`);
    return Promise.resolve(result);
  }

  void(reference: string): Promise<void> {
    this.logger.log(`Voided ${reference}`);
    return Promise.resolve();
  }

  private async answer({ orderId, token }: ChargeRequest): Promise<ChargeResult> {
    switch (token) {
      case SIMULATOR_TOKENS.approve:
        return charged();
      case SIMULATOR_TOKENS.refundFails:
        return charged(NO_REFUND_MARK);
      case SIMULATOR_TOKENS.decline:
        return { outcome: 'declined', code: 'card-declined', reason: 'the card was declined' };
      case SIMULATOR_TOKENS.insufficientFunds:
        return {
          outcome: 'declined',
          code: 'insufficient-funds',
          reason: 'the card has insufficient funds',
        };
      case SIMULATOR_TOKENS.slow:
        await sleep(this.options.slowMs);
        return charged();
      case SIMULATOR_TOKENS.flaky:
        if (!this.flakyOrders.has(orderId)) {
          remember(this.flakyOrders, orderId, undefined, this.maxRemembered);
          throw new ProviderUnavailableError('the payment simulator is briefly unavailable');
        }
        return charged();
      default:
        return {
          outcome: 'declined',
          code: 'card-declined',
          reason: `unknown test token: the payment simulator accepts ${Object.values(SIMULATOR_TOKENS).join(', ')}`,
        };
    }
  }
}

/** Adds `key`, forgetting the oldest entries (insertion order) beyond `max`. */
function remember<V>(
  store: Map<string, V> | Set<string>,
  key: string,
  value: V,
  max: number,
): void {
  if (store instanceof Map) store.set(key, value);
  else store.add(key);
  for (const oldest of store.keys()) {
    if (store.size <= max) break;
    store.delete(oldest);
  }
}

function charged(mark = ''): ChargeResult {
  return { outcome: 'charged', reference: `sim_ch_${mark}${randomUUID()}` };
}

import { setTimeout as sleep } from 'node:timers/promises';
import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { payment, type Money } from '@app/contracts';
import {
  CommandReplies,
  type CommandOutcome,
  type DomainError,
  type MessageContext,
} from '@app/messaging';
import { AfterCommitPublisher } from '@app/persistence';
import { DataSource, type EntityManager } from 'typeorm';
import { CardDeclinedError } from './card-declined.error.js';
import {
  PaymentChargedEvent,
  PaymentChargeRequestedEvent,
  PaymentDeclinedEvent,
  PaymentRefundedEvent,
  PaymentRefundRefusedEvent,
  PaymentRefundRequestedEvent,
  PaymentVoidedEvent,
  PaymentVoidRequestedEvent,
} from './events/payment.events.js';
import { InsufficientFundsError } from './insufficient-funds.error.js';
import { PaymentFencedError } from './payment-fenced.error.js';
import { PAYMENT_PROVIDER, type ChargeResult, type PaymentProvider } from './payment-provider.js';
import type { DeclineCode, Payment } from './payment.entity.js';
import { PaymentRepository, type PaymentChanges } from './payment.repository.js';
import { ProviderFailedError } from './provider-failed.error.js';
import { ProviderUnavailableError } from './provider-unavailable.error.js';
import { RefundRefusedError } from './refund-refused.error.js';

export interface PaymentSettlementOptions {
  /** A provider call not answered by then is abandoned and asked again later. */
  providerTimeoutMs: number;
  /** How long a payment taken for settling stays this instance's. */
  leaseMs: number;
  /** How often due settlements are looked for. */
  intervalMs: number;
}

export const PAYMENT_SETTLEMENT_OPTIONS = Symbol('PAYMENT_SETTLEMENT_OPTIONS');

/**
 * What settling a payment starts from; the replies it owes are read when its outcome is
 * recorded, as they may have grown meanwhile.
 */
type PaymentToSettle = Pick<
  Payment,
  | 'id'
  | 'orderId'
  | 'status'
  | 'amount'
  | 'currency'
  | 'paymentToken'
  | 'providerReference'
  | 'settleAttempts'
>;

/** Provider calls one instance keeps in flight at most; more wait for the next round. */
const MAX_IN_FLIGHT = 64;
const FIRST_RETRY_MS = 250;
const LAST_RETRY_MS = 30_000;

/**
 * Settles payments with the provider outside any transaction, so a slow provider holds no
 * connection and no lock and slows only the orders it serves (issue: a charge used to keep its
 * transaction and row lock open across the call).
 *
 * A PENDING payment is charged with the order's idempotency key, then its outcome is recorded
 * and its ChargePayment answered in one transaction; a VOIDING one is voided, then recorded. A
 * cancel that came while the charge was PENDING (`cancelledAt`) is honoured once the outcome is
 * known: a charge is voided, a refusal is simply fenced. Cancels are answered when they come;
 * only those recorded waiting before that (`cancelReplies`) are answered here.
 *
 * Each payment to settle carries `settleAt`: the committing instance settles it at once under a
 * lease; a provider that is unavailable postpones it with a growing delay; a crash leaves it to
 * whichever instance's timer finds it due, also at start-up. The key makes asking again safe.
 * A REFUNDING one (a charged order being cancelled) is refunded the same way.
 */
@Injectable()
export class PaymentSettlement implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(PaymentSettlement.name);
  private readonly inFlight = new Set<Promise<void>>();
  private timer?: NodeJS.Timeout;
  private sweeping = false;
  private stopped = false;

  constructor(
    private readonly dataSource: DataSource,
    private readonly payments: PaymentRepository,
    @Inject(PAYMENT_PROVIDER) private readonly provider: PaymentProvider,
    private readonly replies: CommandReplies,
    private readonly events: AfterCommitPublisher,
    @Inject(PAYMENT_SETTLEMENT_OPTIONS) private readonly options: PaymentSettlementOptions,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.settleDue(), this.options.intervalMs);
    this.timer.unref();
    void this.settleDue();
  }

  /** Lets calls in flight finish a while; an unfinished one's lease lets another instance on. */
  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await Promise.race([this.idle(), sleep(5000, undefined, { ref: false })]);
  }

  /** Resolves once no settlement is in flight (one may start another: a void after a charge). */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  /** Settles a payment this instance just recorded under its lease (after the commit). */
  settleNow(orderId: string): Promise<void> {
    return this.track(this.settleOrder(orderId));
  }

  /**
   * Charges a payment this instance just recorded PENDING under its lease (after the commit), as
   * recorded: only its settlement changes what a charge needs, so it is not read back. What came
   * meanwhile (another charge's or a cancel's reply) is read when the outcome is recorded.
   */
  chargeNow({
    paymentId,
    orderId,
    amount,
    paymentToken,
  }: PaymentChargeRequestedEvent): Promise<void> {
    return this.track(
      this.settle({
        id: paymentId,
        orderId,
        status: 'PENDING',
        amount: amount.amount,
        currency: amount.currency,
        paymentToken,
        providerReference: null,
        settleAttempts: 0,
      }),
    );
  }

  /** Takes the payments whose settlement is due and settles them. */
  async settleDue(): Promise<void> {
    if (this.sweeping || this.stopped) return;
    this.sweeping = true;
    try {
      const room = MAX_IN_FLIGHT - this.inFlight.size;
      if (room <= 0) return;
      const now = new Date();
      const due = await this.payments.claimDue(now, this.leaseFrom(now), room);
      await Promise.all(due.map((found) => this.track(this.settle(found))));
    } catch (error) {
      this.logger.warn(`Looking for payments to settle failed: ${(error as Error).message}`);
    } finally {
      this.sweeping = false;
    }
  }

  /**
   * Records, in the cancel's transaction, that a CHARGED payment is to be voided (VOIDING); the
   * cancel is answered at once, the void retried until the provider does it.
   */
  requestVoid(charged: Payment, manager: EntityManager): Promise<undefined> {
    return this.handOver(
      charged,
      { status: 'VOIDING' },
      new PaymentVoidRequestedEvent(charged.id, charged.orderId),
      manager,
    );
  }

  /**
   * Records, in the refund's transaction, that a CHARGED payment is to be refunded (REFUNDING);
   * its RefundPayment is answered once the provider answers.
   */
  requestRefund(charged: Payment, context: MessageContext): Promise<undefined> {
    return this.handOver(
      charged,
      { status: 'REFUNDING', refundReplies: [context.deferReply()] },
      new PaymentRefundRequestedEvent(charged.id, charged.orderId),
      context.manager,
    );
  }

  /** When a payment taken now stops being this instance's. */
  leaseFrom(now: Date): Date {
    return new Date(now.getTime() + this.options.leaseMs);
  }

  /**
   * This instance settles the payment right after the commit (the requested event says when);
   * the lease keeps other instances off meanwhile. No answer now: the reply follows the provider's.
   */
  private async handOver(
    charged: Payment,
    changes: PaymentChanges,
    requested: PaymentVoidRequestedEvent | PaymentRefundRequestedEvent,
    manager: EntityManager,
  ): Promise<undefined> {
    await this.payments.update(
      charged.id,
      { ...changes, settleAt: this.leaseFrom(new Date()) },
      manager,
    );
    this.events.publishAfterCommit(manager, requested);
    return undefined;
  }

  private track(settling: Promise<void>): Promise<void> {
    this.inFlight.add(settling);
    return settling.finally(() => this.inFlight.delete(settling));
  }

  private async settleOrder(orderId: string): Promise<void> {
    const found = await this.payments.findByOrderId(orderId).catch(() => null);
    // Not found (the database is away): the lease runs out and the timer takes it.
    if (found) await this.settle(found);
  }

  private async settle(found: PaymentToSettle): Promise<void> {
    try {
      if (found.status === 'PENDING') await this.charge(found);
      else if (found.status === 'VOIDING') await this.void(found);
      else if (found.status === 'REFUNDING') await this.refund(found);
    } catch (error) {
      // Only the provider's failures back off further; a busy or restarting database is waited
      // for at the first delay, so a loaded instance does not push its replies past deadlines.
      const byProvider = error instanceof ProviderUnavailableError;
      const delay = byProvider
        ? Math.min(FIRST_RETRY_MS * 2 ** found.settleAttempts, LAST_RETRY_MS)
        : FIRST_RETRY_MS;
      this.logger.warn(
        `Settling the payment of order ${found.orderId} failed (${(error as Error).message}); again in ${delay} ms`,
      );
      await this.payments
        .postpone(found.id, new Date(Date.now() + delay), byProvider)
        .catch(() => undefined /* the lease runs out instead */);
    }
  }

  private async charge(pending: PaymentToSettle): Promise<void> {
    const { id, orderId, paymentToken } = pending;
    if (paymentToken === null) throw new Error(`PENDING payment ${id} has no token`);
    const { amount, currency } = moneyOf(pending);
    const result = await this.withinTimeout(
      this.provider.charge({
        orderId,
        amount,
        currency,
        token: paymentToken,
        idempotencyKey: `charge-${orderId}`,
      }),
    );
    const voidNext = await this.dataSource.transaction((manager) =>
      this.record(orderId, result, manager),
    );
    if (voidNext) await this.settleOrder(orderId);
  }

  /**
   * Records a charge's outcome and answers whoever waits for it; true when a void comes next.
   * Each outcome is written only while the payment is still PENDING: one settled meanwhile (by
   * an instance whose lease ran out before it answered) is left as it is.
   */
  private async record(
    orderId: string,
    result: ChargeResult,
    manager: EntityManager,
  ): Promise<boolean> {
    const settled: PaymentChanges = { paymentToken: null, chargeReplies: [], settleAt: null };
    if (result.outcome !== 'charged') {
      const failureCode: DeclineCode =
        result.outcome === 'failed' ? 'payment.provider-error' : `payment.${result.code}`;
      const declined = await this.payments.transition(
        orderId,
        'PENDING',
        {
          ...settled,
          status: 'DECLINED',
          failureCode,
          failureReason: result.reason,
          cancelReplies: [],
        },
        manager,
      );
      if (!declined) return false;
      const { id } = declined;
      this.events.publishAfterCommit(
        manager,
        new PaymentDeclinedEvent(id, orderId, failureCode, result.reason),
      );
      await this.answerCharge(declined, refusalOf(failureCode, result.reason), manager);
      await this.answerCancel(declined, { orderId, paymentId: id, outcome: 'fenced' }, manager);
      return false;
    }
    const charged = await this.payments.transition(
      orderId,
      'PENDING',
      { ...settled, status: 'CHARGED', providerReference: result.reference },
      manager,
      { unlessCancelled: true },
    );
    if (charged) {
      const { id } = charged;
      const reply = { paymentId: id, orderId, amount: moneyOf(charged) };
      this.events.publishAfterCommit(manager, new PaymentChargedEvent(id, orderId, reply.amount));
      await this.answerCharge(charged, reply, manager);
      return false;
    }

    // Not kept (the rare path): read why.
    const current = await this.payments.lockByOrderId(orderId, manager);
    if (current.status !== 'PENDING') return false;
    // Cancelled while the provider was charging: the charge is voided, never kept.
    await this.payments.update(
      current.id,
      {
        ...settled,
        status: 'VOIDING',
        providerReference: result.reference,
        settleAt: this.leaseFrom(new Date()),
      },
      manager,
    );
    await this.answerCharge(current, new PaymentFencedError(orderId), manager);
    return true;
  }

  private async void(voiding: PaymentToSettle): Promise<void> {
    const { id, orderId, providerReference } = voiding;
    if (providerReference === null) throw new Error(`VOIDING payment ${id} has no reference`);
    await this.withinTimeout(this.provider.void(providerReference));
    await this.dataSource.transaction(async (manager) => {
      const voided = await this.payments.transition(
        orderId,
        'VOIDING',
        { status: 'VOIDED', cancelReplies: [], settleAt: null },
        manager,
      );
      if (!voided) return;
      this.events.publishAfterCommit(manager, new PaymentVoidedEvent(id, orderId));
      await this.answerCancel(voided, { orderId, paymentId: id, outcome: 'voided' }, manager);
    });
  }

  /**
   * Refunds a REFUNDING payment, then records the outcome and answers its RefundPayment commands
   * in one transaction. A refusal puts the payment back to CHARGED, with why.
   */
  private async refund(refunding: PaymentToSettle): Promise<void> {
    const { id, orderId, providerReference } = refunding;
    if (providerReference === null) throw new Error(`REFUNDING payment ${id} has no reference`);
    const amount = moneyOf(refunding);
    const result = await this.withinTimeout(
      this.provider.refund({
        reference: providerReference,
        amount: amount.amount,
        currency: amount.currency,
        idempotencyKey: `refund-${orderId}`,
      }),
    );
    const settled: PaymentChanges = { refundReplies: [], settleAt: null };
    const changes: PaymentChanges =
      result.outcome === 'refunded'
        ? { ...settled, status: 'REFUNDED' }
        : { ...settled, status: 'CHARGED', refundFailure: result.reason };
    await this.dataSource.transaction(async (manager) => {
      const refunded = await this.payments.transition(orderId, 'REFUNDING', changes, manager);
      if (!refunded) return;
      let outcome: CommandOutcome<typeof payment.RefundPayment>;
      if (result.outcome === 'refunded') {
        this.events.publishAfterCommit(manager, new PaymentRefundedEvent(id, orderId, amount));
        outcome = { orderId, paymentId: id, amount };
      } else {
        this.events.publishAfterCommit(
          manager,
          new PaymentRefundRefusedEvent(id, orderId, result.reason),
        );
        outcome = new RefundRefusedError(orderId, result.reason);
      }
      for (const to of refunded.refundReplies) {
        await this.replies.answer(payment.RefundPayment, to, outcome, manager);
      }
    });
  }

  private async answerCharge(
    current: Payment,
    outcome: CommandOutcome<typeof payment.ChargePayment>,
    manager: EntityManager,
  ): Promise<void> {
    for (const to of current.chargeReplies) {
      await this.replies.answer(payment.ChargePayment, to, outcome, manager);
    }
  }

  /** Answers cancels still waiting from before cancels were answered at once. */
  private async answerCancel(
    current: Payment,
    outcome: payment.PaymentCancelled,
    manager: EntityManager,
  ): Promise<void> {
    for (const to of current.cancelReplies) {
      await this.replies.answer(payment.CancelPayment, to, outcome, manager);
    }
  }

  /** The provider's answer; any failure to get one is the provider's unavailability. */
  private async withinTimeout<T>(call: Promise<T>): Promise<T> {
    try {
      return await this.raceTimeout(call);
    } catch (error) {
      if (error instanceof ProviderUnavailableError) throw error;
      throw new ProviderUnavailableError(`the provider call failed: ${(error as Error).message}`);
    }
  }

  private async raceTimeout<T>(call: Promise<T>): Promise<T> {
    const { providerTimeoutMs } = this.options;
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new ProviderUnavailableError(`no answer within ${providerTimeoutMs} ms`)),
        providerTimeoutMs,
      );
    });
    try {
      return await Promise.race([call, expired]);
    } finally {
      clearTimeout(timer);
    }
  }
}

/** The failure a refused payment is answered with, for every later charge of the order. */
export function refusalOf(code: DeclineCode, reason: string): DomainError {
  switch (code) {
    case 'payment.insufficient-funds':
      return new InsufficientFundsError(reason);
    case 'payment.provider-error':
      return new ProviderFailedError(reason);
    case 'payment.card-declined':
      return new CardDeclinedError(reason);
  }
}

/** Only a FENCED row has no amount (the table's check says so). */
export function moneyOf({
  id,
  amount,
  currency,
}: Pick<Payment, 'id' | 'amount' | 'currency'>): Money {
  if (amount === null || currency === null) throw new Error(`Payment ${id} has no amount`);
  return { amount, currency };
}

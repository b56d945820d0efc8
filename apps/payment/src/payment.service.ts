import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Money, payment } from '@app/contracts';
import type { DomainError } from '@app/messaging';
import { DataSource, type EntityManager } from 'typeorm';
import { CardDeclinedError } from './card-declined.error.js';
import { InsufficientFundsError } from './insufficient-funds.error.js';
import { PaymentFencedError } from './payment-fenced.error.js';
import { PAYMENT_PROVIDER, type PaymentProvider } from './payment-provider.js';
import { Payment } from './payment.entity.js';
import { ProviderFailedError } from './provider-failed.error.js';

/**
 * Charges an order at most once and cancels it safely whatever happened before. Every operation
 * on an order first claims its row (insert-first on the unique order id, then `FOR UPDATE`), so a
 * charge and a cancellation of the same order run one after the other and exactly one wins.
 */
@Injectable()
export class PaymentService {
  private readonly logger = new Logger(PaymentService.name);

  constructor(
    private readonly dataSource: DataSource,
    @Inject(PAYMENT_PROVIDER) private readonly provider: PaymentProvider,
  ) {}

  async charge(
    command: payment.ChargePayment,
    manager: EntityManager,
  ): Promise<payment.PaymentCharged> {
    const { orderId, total } = command;
    await manager.query(
      `INSERT INTO payments (id, order_id, amount, currency, status)
       VALUES ($1, $2, $3, $4, 'PENDING') ON CONFLICT (order_id) DO NOTHING`,
      [randomUUID(), orderId, total.amount, total.currency],
    );
    const existing = await this.lock(manager, orderId);
    switch (existing.status) {
      case 'CHARGED':
        return chargedReply(existing);
      case 'DECLINED':
        throw declineOf(existing);
      case 'FENCED':
      case 'VOIDED':
        throw new PaymentFencedError(orderId);
      case 'PENDING':
        break;
    }

    // The row lock is held across the provider call; the key makes a retried call a no-op there.
    const result = await this.provider.charge({
      orderId,
      amount: total.amount,
      currency: total.currency,
      token: command.paymentToken,
      idempotencyKey: `charge-${orderId}`,
    });
    switch (result.outcome) {
      case 'declined': {
        const failureCode = `payment.${result.code}` as const;
        await manager.update(
          Payment,
          { id: existing.id },
          { status: 'DECLINED', failureCode, failureReason: result.reason },
        );
        this.logger.log(`Declined order ${orderId}: ${failureCode} (${result.reason})`);
        throw declineOf({ ...existing, failureCode, failureReason: result.reason });
      }
      case 'failed':
        throw new ProviderFailedError(result.reason);
      case 'charged':
        break;
    }
    await manager.update(
      Payment,
      { id: existing.id },
      { status: 'CHARGED', providerReference: result.reference },
    );
    this.logger.log(`Charged order ${orderId}: payment ${existing.id}`);
    return chargedReply(existing);
  }

  async cancel(
    command: payment.CancelPayment,
    manager: EntityManager,
  ): Promise<payment.PaymentCancelled> {
    const { orderId } = command;
    const fenced: unknown[] = await manager.query(
      `INSERT INTO payments (id, order_id, status) VALUES ($1, $2, 'FENCED')
       ON CONFLICT (order_id) DO NOTHING RETURNING id`,
      [randomUUID(), orderId],
    );
    const existing = await this.lock(manager, orderId);
    if (fenced.length === 1) {
      this.logger.log(`Fenced order ${orderId}: a late charge will be refused`);
    }
    switch (existing.status) {
      // Declined for good: nothing was charged, and a repeated charge is declined again.
      case 'DECLINED':
      case 'FENCED':
        return { orderId, paymentId: existing.id, outcome: 'fenced' };
      case 'VOIDED':
        return { orderId, paymentId: existing.id, outcome: 'voided' };
      case 'PENDING':
        // A charge commits CHARGED or rolls back before its row lock is released.
        throw new Error(`Payment ${existing.id} is PENDING outside its charge`);
      case 'CHARGED':
        break;
    }
    await this.provider.void(providerReferenceOf(existing));
    await manager.update(Payment, { id: existing.id }, { status: 'VOIDED' });
    this.logger.log(`Voided order ${orderId}: payment ${existing.id}`);
    return { orderId, paymentId: existing.id, outcome: 'voided' };
  }

  findByOrderId(orderId: string): Promise<Payment | null> {
    return this.dataSource.getRepository(Payment).findOneBy({ orderId });
  }

  private lock(manager: EntityManager, orderId: string): Promise<Payment> {
    return manager.findOneOrFail(Payment, {
      where: { orderId },
      lock: { mode: 'pessimistic_write' },
    });
  }
}

/** The failure a DECLINED payment was answered with, for every later charge of the order. */
function declineOf({ id, failureCode, failureReason }: Payment): DomainError {
  if (!failureCode || failureReason === null) throw new Error(`Payment ${id} has no failure`);
  return failureCode === 'payment.insufficient-funds'
    ? new InsufficientFundsError(failureReason)
    : new CardDeclinedError(failureReason);
}

function chargedReply(charged: Payment): payment.PaymentCharged {
  return { paymentId: charged.id, orderId: charged.orderId, amount: moneyOf(charged) };
}

/** Only a FENCED row has no amount (the table's check says so). */
function moneyOf({ id, amount, currency }: Payment): Money {
  if (amount === null || currency === null) throw new Error(`Payment ${id} has no amount`);
  return { amount, currency };
}

function providerReferenceOf({ id, providerReference }: Payment): string {
  if (providerReference === null)
    throw new Error(`Charged payment ${id} has no provider reference`);
  return providerReference;
}

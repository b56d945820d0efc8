import { randomUUID } from 'node:crypto';
import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { payment } from '@app/contracts';
import type { EntityManager } from 'typeorm';
import { AfterCommitPublisher } from '@app/persistence';
import { PaymentFencedEvent, PaymentVoidedEvent } from '../events/payment.events.js';
import { PAYMENT_PROVIDER, type PaymentProvider } from '../payment-provider.js';
import type { Payment } from '../payment.entity.js';
import { PaymentRepository } from '../payment.repository.js';

/** Cancels an order's payment, in the transaction `manager` belongs to. */
export class CancelPaymentCommand extends Command<payment.PaymentCancelled> {
  constructor(
    readonly payload: payment.CancelPayment,
    readonly manager: EntityManager,
  ) {
    super();
  }
}

/**
 * Cancels safely whatever happened before: voids a charge that happened (once), and fences an
 * order never charged, so a late charge is refused. Claims the order's row first, like a charge,
 * so the two never overlap.
 */
@CommandHandler(CancelPaymentCommand)
export class CancelPaymentHandler implements ICommandHandler<CancelPaymentCommand> {
  constructor(
    private readonly payments: PaymentRepository,
    @Inject(PAYMENT_PROVIDER) private readonly provider: PaymentProvider,
    private readonly events: AfterCommitPublisher,
  ) {}

  async execute({ payload, manager }: CancelPaymentCommand): Promise<payment.PaymentCancelled> {
    const { orderId } = payload;
    const fenced = await this.payments.insertIfAbsent(
      { id: randomUUID(), orderId, amount: null, currency: null, status: 'FENCED' },
      manager,
    );
    const existing = await this.payments.lockByOrderId(orderId, manager);
    switch (existing.status) {
      // Declined for good: nothing was charged, and a repeated charge is declined again.
      case 'DECLINED':
        return { orderId, paymentId: existing.id, outcome: 'fenced' };
      case 'FENCED':
        if (fenced) {
          this.events.publishAfterCommit(manager, new PaymentFencedEvent(existing.id, orderId));
        }
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
    await this.payments.update(existing.id, { status: 'VOIDED' }, manager);
    this.events.publishAfterCommit(manager, new PaymentVoidedEvent(existing.id, orderId));
    return { orderId, paymentId: existing.id, outcome: 'voided' };
  }
}

function providerReferenceOf({ id, providerReference }: Payment): string {
  if (providerReference === null)
    throw new Error(`Charged payment ${id} has no provider reference`);
  return providerReference;
}

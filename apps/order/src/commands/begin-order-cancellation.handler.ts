import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { order } from '@app/contracts';
import type { EntityManager } from 'typeorm';
import { AfterCommitPublisher } from '@app/persistence';
import { OrderCancellationBegunEvent } from '../events/order.events.js';
import { OrderNotCancellableError } from '../order-not-cancellable.error.js';
import { OrderNotFoundError } from '../order-not-found.error.js';
import { OrderRepository } from '../order.repository.js';

/** Locks an order for cancelling, in the transaction `manager` belongs to. */
export class BeginOrderCancellationCommand extends Command<order.OrderCancellationBegun> {
  constructor(
    readonly payload: order.BeginOrderCancellation,
    readonly manager: EntityManager,
    readonly now: Date = new Date(),
  ) {
    super();
  }
}

/**
 * Marks an approved order CANCELLING while its cancel window is open; the same cancellation
 * again succeeds again. Refused with a reason that says why: another customer's order is "not
 * found", any other status is not approved, a closed window is closed, and a cancellation that
 * was aborted before this arrived is fenced.
 */
@CommandHandler(BeginOrderCancellationCommand)
export class BeginOrderCancellationHandler implements ICommandHandler<BeginOrderCancellationCommand> {
  constructor(
    private readonly orders: OrderRepository,
    private readonly events: AfterCommitPublisher,
  ) {}

  async execute({
    payload,
    manager,
    now,
  }: BeginOrderCancellationCommand): Promise<order.OrderCancellationBegun> {
    const { orderId, customerId, cancellationId } = payload;
    const existing = await this.orders.findForUpdate(orderId, manager);
    if (!existing || existing.customerId !== customerId) throw new OrderNotFoundError(orderId);
    if (existing.cancellationId === cancellationId) {
      if (existing.status === 'CANCELLING') return { orderId, status: 'CANCELLING' };
      throw new OrderNotCancellableError(
        'order.cancellation-fenced',
        `cancellation ${cancellationId} of order ${orderId} was aborted before it began`,
      );
    }
    if (existing.status !== 'APPROVED') {
      throw new OrderNotCancellableError(
        'order.not-approved',
        `order ${orderId} is ${existing.status}: only an APPROVED order can be cancelled`,
      );
    }
    if (!existing.cancellableUntil || existing.cancellableUntil < now) {
      const ended = existing.cancellableUntil?.toISOString() ?? 'before cancel windows existed';
      throw new OrderNotCancellableError(
        'order.cancel-window-passed',
        `order ${orderId} is past its cancel window (it ended ${ended})`,
      );
    }
    existing.status = 'CANCELLING';
    existing.cancellationId = cancellationId;
    existing.cancellationFailure = null;
    await this.orders.save(existing, manager);
    this.events.publishAfterCommit(
      manager,
      new OrderCancellationBegunEvent(orderId, cancellationId),
    );
    return { orderId, status: 'CANCELLING' };
  }
}

import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { order } from '@app/contracts';
import type { EntityManager } from 'typeorm';
import { AfterCommitPublisher } from '@app/persistence';
import { OrderCancellationAbortedEvent } from '../events/order.events.js';
import { OrderNotFoundError } from '../order-not-found.error.js';
import { OrderRepository } from '../order.repository.js';

/** Gives up a cancellation, in the transaction `manager` belongs to. */
export class AbortOrderCancellationCommand extends Command<order.OrderCancellationAborted> {
  constructor(
    readonly payload: order.AbortOrderCancellation,
    readonly manager: EntityManager,
  ) {
    super();
  }
}

/**
 * Returns an order this cancellation locked to APPROVED, keeping why the cancellation failed.
 * An order it never locked (its begin timed out, and may still be on its way) keeps its status
 * and remembers the cancellation, so the late begin is refused.
 */
@CommandHandler(AbortOrderCancellationCommand)
export class AbortOrderCancellationHandler implements ICommandHandler<AbortOrderCancellationCommand> {
  constructor(
    private readonly orders: OrderRepository,
    private readonly events: AfterCommitPublisher,
  ) {}

  async execute({
    payload,
    manager,
  }: AbortOrderCancellationCommand): Promise<order.OrderCancellationAborted> {
    const { orderId, cancellationId, reason } = payload;
    const existing = await this.orders.findForUpdate(orderId, manager);
    if (!existing) throw new OrderNotFoundError(orderId);
    const lockedByThis = existing.cancellationId === cancellationId;
    if (lockedByThis && existing.status === 'CANCELLING') {
      existing.status = 'APPROVED';
      existing.cancellationFailure = reason;
      await this.orders.save(existing, manager);
      this.events.publishAfterCommit(manager, new OrderCancellationAbortedEvent(orderId, reason));
    } else if (!lockedByThis && existing.status !== 'CANCELLING') {
      existing.cancellationId = cancellationId;
      await this.orders.save(existing, manager);
    }
    return { orderId, status: existing.status === 'CANCELLING' ? 'APPROVED' : existing.status };
  }
}

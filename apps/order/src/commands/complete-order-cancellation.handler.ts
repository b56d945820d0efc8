import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { order } from '@app/contracts';
import type { EntityManager } from 'typeorm';
import { AfterCommitPublisher } from '@app/persistence';
import { OrderCancelledEvent } from '../events/order.events.js';
import { OrderNotCancellingError } from '../order-not-cancelling.error.js';
import { OrderNotFoundError } from '../order-not-found.error.js';
import { OrderRepository } from '../order.repository.js';

/** Marks the order cancelled, in the transaction `manager` belongs to. */
export class CompleteOrderCancellationCommand extends Command<order.OrderCancelled> {
  constructor(
    readonly payload: order.CompleteOrderCancellation,
    readonly manager: EntityManager,
  ) {
    super();
  }
}

/** CANCELLING becomes CANCELLED; a cancelled order is cancelled again; anything else is refused. */
@CommandHandler(CompleteOrderCancellationCommand)
export class CompleteOrderCancellationHandler implements ICommandHandler<CompleteOrderCancellationCommand> {
  constructor(
    private readonly orders: OrderRepository,
    private readonly events: AfterCommitPublisher,
  ) {}

  async execute({
    payload,
    manager,
  }: CompleteOrderCancellationCommand): Promise<order.OrderCancelled> {
    const { orderId } = payload;
    if (await this.orders.transition(orderId, 'CANCELLING', { status: 'CANCELLED' }, manager)) {
      this.events.publishAfterCommit(manager, new OrderCancelledEvent(orderId));
      return { orderId, status: 'CANCELLED' };
    }

    // Not cancelling (the rare path): read why.
    const existing = await this.orders.findForUpdate(orderId, manager);
    if (!existing) throw new OrderNotFoundError(orderId);
    if (existing.status === 'CANCELLED') return { orderId, status: 'CANCELLED' };
    throw new OrderNotCancellingError(orderId, existing.status);
  }
}

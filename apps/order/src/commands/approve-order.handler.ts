import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { order } from '@app/contracts';
import type { EntityManager } from 'typeorm';
import { AfterCommitPublisher } from '@app/persistence';
import { OrderApprovedEvent } from '../events/order.events.js';
import { OrderCancelWindow } from '../order-cancel-window.js';
import { OrderNotFoundError } from '../order-not-found.error.js';
import { OrderNotPendingError } from '../order-not-pending.error.js';
import { OrderRepository, type OrderChanges } from '../order.repository.js';

/** Approves the order, in the transaction `manager` belongs to. */
export class ApproveOrderCommand extends Command<order.OrderApproved> {
  constructor(
    readonly payload: order.ApproveOrder,
    readonly manager: EntityManager,
  ) {
    super();
  }
}

/** Approves a pending order; an approved one is approved again, anything else is refused. */
@CommandHandler(ApproveOrderCommand)
export class ApproveOrderHandler implements ICommandHandler<ApproveOrderCommand> {
  constructor(
    private readonly orders: OrderRepository,
    private readonly events: AfterCommitPublisher,
    private readonly cancelWindow: OrderCancelWindow,
  ) {}

  async execute({ payload, manager }: ApproveOrderCommand): Promise<order.OrderApproved> {
    const { orderId } = payload;
    // The customer's window to cancel opens now.
    const approval: OrderChanges = {
      status: 'APPROVED',
      cancellableUntil: this.cancelWindow.endOf(new Date()),
    };
    if (await this.orders.transition(orderId, 'PENDING', approval, manager)) {
      this.events.publishAfterCommit(manager, new OrderApprovedEvent(orderId));
      return { orderId, status: 'APPROVED' };
    }

    // Not pending (the rare path): read why.
    const existing = await this.orders.findForUpdate(orderId, manager);
    if (!existing) throw new OrderNotFoundError(orderId);
    if (existing.status === 'APPROVED') return { orderId, status: 'APPROVED' };
    throw new OrderNotPendingError(orderId, existing.status);
  }
}

import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { order } from '@app/contracts';
import type { EntityManager } from 'typeorm';
import { AfterCommitPublisher } from '@app/persistence';
import { OrderRejectedEvent } from '../events/order.events.js';
import { OrderNotPendingError } from '../order-not-pending.error.js';
import { Order } from '../order.entity.js';
import { OrderRepository } from '../order.repository.js';

const NO_REASON = 'no reason given';

/** Rejects the order, in the transaction `manager` belongs to. */
export class RejectOrderCommand extends Command<order.OrderRejected> {
  constructor(
    readonly payload: order.RejectOrder,
    readonly manager: EntityManager,
  ) {
    super();
  }
}

/**
 * Rejects a pending order; a rejected one is rejected again (keeping its first reason), an approved
 * one is refused. An order that does not exist yet is recorded as rejected (its create may have
 * timed out and still be on its way), so that the late create is refused.
 */
@CommandHandler(RejectOrderCommand)
export class RejectOrderHandler implements ICommandHandler<RejectOrderCommand> {
  constructor(
    private readonly orders: OrderRepository,
    private readonly events: AfterCommitPublisher,
  ) {}

  async execute({ payload, manager }: RejectOrderCommand): Promise<order.OrderRejected> {
    const { orderId } = payload;
    const reason = payload.reason ?? NO_REASON;
    const fence = Object.assign(new Order(), {
      id: orderId,
      customerId: null,
      totalAmount: null,
      totalCurrency: null,
      status: 'REJECTED',
      rejectionReason: reason,
    } satisfies Partial<Order>);
    if (await this.orders.insertIfAbsent(fence, manager)) {
      this.events.publishAfterCommit(manager, new OrderRejectedEvent(orderId, reason, true));
      return { orderId, status: 'REJECTED' };
    }

    const rejection = { status: 'REJECTED', rejectionReason: reason } as const;
    if (await this.orders.transition(orderId, 'PENDING', rejection, manager)) {
      this.events.publishAfterCommit(manager, new OrderRejectedEvent(orderId, reason, false));
      return { orderId, status: 'REJECTED' };
    }

    // Orders are never deleted: the one that took the id is there, decided.
    const existing = await this.orders.findForUpdate(orderId, manager);
    if (!existing) throw new Error(`order ${orderId} conflicted on insert but cannot be read`);
    if (existing.status === 'REJECTED') return { orderId, status: 'REJECTED' };
    throw new OrderNotPendingError(orderId, existing.status);
  }
}

import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { order } from '@app/contracts';
import type { EntityManager } from 'typeorm';
import { AfterCommitPublisher } from '@app/persistence';
import { OrderCreatedEvent } from '../events/order.events.js';
import { OrderAlreadyExistsError } from '../order-already-exists.error.js';
import { Order } from '../order.entity.js';
import { OrderRepository } from '../order.repository.js';

/** Opens the order PENDING, in the transaction `manager` belongs to. */
export class CreatePendingOrderCommand extends Command<order.OrderCreated> {
  constructor(
    readonly payload: order.CreatePendingOrder,
    readonly manager: EntityManager,
  ) {
    super();
  }
}

/**
 * Creates the order PENDING. The same create again succeeds again; a create for an id that is
 * taken by another order, a decided one, or a rejection that came first is refused.
 */
@CommandHandler(CreatePendingOrderCommand)
export class CreatePendingOrderHandler implements ICommandHandler<CreatePendingOrderCommand> {
  constructor(
    private readonly orders: OrderRepository,
    private readonly events: AfterCommitPublisher,
  ) {}

  async execute({ payload, manager }: CreatePendingOrderCommand): Promise<order.OrderCreated> {
    const { orderId, customerId, total } = payload;
    const pending = Object.assign(new Order(), {
      id: orderId,
      customerId,
      totalAmount: total.amount,
      totalCurrency: total.currency,
      status: 'PENDING',
      rejectionReason: null,
    } satisfies Partial<Order>);
    if (await this.orders.insertIfAbsent(pending, manager)) {
      this.events.publishAfterCommit(manager, new OrderCreatedEvent(orderId, customerId, total));
      return { orderId, status: 'PENDING' };
    }

    // Orders are never deleted: the one that took the id is there.
    const existing = await this.orders.findForUpdate(orderId, manager);
    if (!existing) throw new Error(`order ${orderId} conflicted on insert but cannot be read`);
    if (existing.customerId === null) {
      throw new OrderAlreadyExistsError(orderId, 'was rejected before it was created');
    }
    if (
      existing.customerId !== customerId ||
      existing.totalAmount !== total.amount ||
      existing.totalCurrency !== total.currency
    ) {
      throw new OrderAlreadyExistsError(orderId, 'exists with another customer or total');
    }
    if (existing.status !== 'PENDING') {
      throw new OrderAlreadyExistsError(orderId, `exists and is already ${existing.status}`);
    }
    return { orderId, status: 'PENDING' };
  }
}

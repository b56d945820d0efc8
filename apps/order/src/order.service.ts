import { Injectable, Logger } from '@nestjs/common';
import type { order } from '@app/contracts';
import type { EntityManager } from 'typeorm';
import { OrderAlreadyExistsError } from './order-already-exists.error.js';
import { OrderNotFoundError } from './order-not-found.error.js';
import { OrderNotPendingError } from './order-not-pending.error.js';
import { Order } from './order.entity.js';
import { OrderRepository } from './order.repository.js';

const NO_REASON = 'no reason given';

export interface OrderPage {
  orders: Order[];
  /** Pass as `cursor` to get the next page; null on the last page. */
  nextCursor: string | null;
}

/**
 * The order's rules: created PENDING, then APPROVED or REJECTED once. Repeating the decision that
 * was taken succeeds again; taking the other one fails.
 */
@Injectable()
export class OrderService {
  private readonly logger = new Logger(OrderService.name);

  constructor(private readonly orders: OrderRepository) {}

  async create(command: order.CreatePendingOrder, manager: EntityManager): Promise<Order> {
    const pending = Object.assign(new Order(), {
      id: command.orderId,
      customerId: command.customerId,
      totalAmount: command.total.amount,
      totalCurrency: command.total.currency,
      status: 'PENDING',
      rejectionReason: null,
    } satisfies Partial<Order>);
    if (await this.orders.insertIfAbsent(pending, manager)) {
      this.logger.log(`Order ${pending.id} created, PENDING`);
      return pending;
    }
    const existing = await this.lockExisting(command.orderId, manager);
    if (existing.customerId === null) {
      throw new OrderAlreadyExistsError(existing.id, 'was rejected before it was created');
    }
    if (
      existing.customerId !== command.customerId ||
      existing.totalAmount !== command.total.amount ||
      existing.totalCurrency !== command.total.currency
    ) {
      throw new OrderAlreadyExistsError(existing.id, 'exists with another customer or total');
    }
    if (existing.status !== 'PENDING') {
      throw new OrderAlreadyExistsError(existing.id, `exists and is already ${existing.status}`);
    }
    return existing;
  }

  async approve(orderId: string, manager: EntityManager): Promise<Order> {
    const existing = await this.orders.findForUpdate(orderId, manager);
    if (!existing) throw new OrderNotFoundError(orderId);
    if (existing.status === 'APPROVED') return existing;
    if (existing.status !== 'PENDING') throw new OrderNotPendingError(orderId, existing.status);
    existing.status = 'APPROVED';
    const approved = await this.orders.save(existing, manager);
    this.logger.log(`Order ${orderId} APPROVED`);
    return approved;
  }

  /**
   * Rejects a pending order. An order that does not exist yet is recorded as rejected (its create
   * may have timed out and still be on its way), so that the late create is refused.
   */
  async reject(command: order.RejectOrder, manager: EntityManager): Promise<Order> {
    const reason = command.reason ?? NO_REASON;
    const fence = Object.assign(new Order(), {
      id: command.orderId,
      customerId: null,
      totalAmount: null,
      totalCurrency: null,
      status: 'REJECTED',
      rejectionReason: reason,
    } satisfies Partial<Order>);
    if (await this.orders.insertIfAbsent(fence, manager)) {
      this.logger.log(`Order ${fence.id} REJECTED before it was created; a late create is refused`);
      return fence;
    }
    const existing = await this.lockExisting(command.orderId, manager);
    if (existing.status === 'REJECTED') return existing;
    if (existing.status !== 'PENDING') throw new OrderNotPendingError(existing.id, existing.status);
    existing.status = 'REJECTED';
    existing.rejectionReason = reason;
    const rejected = await this.orders.save(existing, manager);
    this.logger.log(`Order ${existing.id} REJECTED: ${reason}`);
    return rejected;
  }

  find(id: string): Promise<Order | null> {
    return this.orders.findById(id);
  }

  /** A page of orders, newest first; `cursor` is the `nextCursor` of the page before. */
  async list(query: { customerId?: string; limit: number; cursor?: string }): Promise<OrderPage> {
    // One extra row tells whether another page follows.
    const rows = await this.orders.findPage({
      customerId: query.customerId,
      limit: query.limit + 1,
      after: query.cursor,
    });
    const orders = rows.slice(0, query.limit);
    const nextCursor = rows.length > query.limit ? orders[orders.length - 1].id : null;
    return { orders, nextCursor };
  }

  /** An order whose insert just conflicted: it exists (orders are never deleted). */
  private async lockExisting(id: string, manager: EntityManager): Promise<Order> {
    const existing = await this.orders.findForUpdate(id, manager);
    if (!existing) throw new Error(`order ${id} conflicted on insert but cannot be read`);
    return existing;
  }
}

import type { EntityManager } from 'typeorm';
import type { Order } from './order.entity.js';

export interface OrderPageQuery {
  customerId?: string;
  limit: number;
  /** Id of the last order of the previous page. */
  after?: string;
}

/**
 * Where orders are kept: the seam between the handlers and PostgreSQL (`TypeOrmOrderRepository`;
 * `InMemoryOrderRepository` in unit tests). Writes take the caller's transaction: a message's,
 * which also holds its inbox row and its reply.
 */
export abstract class OrderRepository {
  /** Inserts the order unless its id is taken; false when it was. */
  abstract insertIfAbsent(order: Order, manager: EntityManager): Promise<boolean>;

  /** The order, locked until the transaction ends, so two commands never decide it at once. */
  abstract findForUpdate(id: string, manager: EntityManager): Promise<Order | null>;

  abstract save(order: Order, manager: EntityManager): Promise<Order>;

  abstract findById(id: string): Promise<Order | null>;

  /** Newest first, stable while orders are added. */
  abstract findPage(query: OrderPageQuery): Promise<Order[]>;
}

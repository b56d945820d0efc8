import type { EntityManager } from 'typeorm';
import type { Order, OrderStatus } from './order.entity.js';

/** What a command may change on an order that exists. */
export type OrderChanges = Partial<
  Pick<
    Order,
    'status' | 'rejectionReason' | 'cancellableUntil' | 'cancellationId' | 'cancellationFailure'
  >
>;

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

  /**
   * Applies `changes` to the order only while it is `from`, in one step that a concurrent command
   * on the order waits for (and then finds the order no longer `from`); false when the order is
   * not `from`, or does not exist. Read it only then, to tell why.
   */
  abstract transition(
    id: string,
    from: OrderStatus,
    changes: OrderChanges,
    manager: EntityManager,
  ): Promise<boolean>;

  /** Writes back an order read with `findForUpdate` and changed. */
  abstract save(order: Order, manager: EntityManager): Promise<void>;

  abstract findById(id: string): Promise<Order | null>;

  /** Newest first, stable while orders are added. */
  abstract findPage(query: OrderPageQuery): Promise<Order[]>;
}

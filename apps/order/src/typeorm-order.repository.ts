import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { Order, type OrderStatus } from './order.entity.js';
import { OrderRepository, type OrderChanges, type OrderPageQuery } from './order.repository.js';

/** Orders in PostgreSQL. */
@Injectable()
export class TypeOrmOrderRepository extends OrderRepository {
  constructor(private readonly dataSource: DataSource) {
    super();
  }

  /** A concurrent insert of the same id is waited for, then counts as taken. */
  async insertIfAbsent(order: Order, manager: EntityManager): Promise<boolean> {
    const result = await manager
      .createQueryBuilder()
      .insert()
      .into(Order)
      .values(order)
      .orIgnore()
      .returning(['id'])
      .execute();
    return (result.raw as unknown[]).length === 1;
  }

  findForUpdate(id: string, manager: EntityManager): Promise<Order | null> {
    return manager.findOne(Order, { where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  /** One guarded UPDATE: PostgreSQL re-checks the status after waiting for the row's lock. */
  async transition(
    id: string,
    from: OrderStatus,
    changes: OrderChanges,
    manager: EntityManager,
  ): Promise<boolean> {
    const { affected } = await manager.update(Order, { id, status: from }, changes);
    return affected === 1;
  }

  /**
   * One UPDATE of what a command may change; not TypeORM's `save`, which reads the row again
   * first (the caller holds it locked, as read).
   */
  async save(order: Order, manager: EntityManager): Promise<void> {
    const { status, rejectionReason, cancellableUntil, cancellationId, cancellationFailure } =
      order;
    await manager.update(
      Order,
      { id: order.id },
      { status, rejectionReason, cancellableUntil, cancellationId, cancellationFailure },
    );
  }

  findById(id: string): Promise<Order | null> {
    return this.dataSource.manager.findOneBy(Order, { id });
  }

  /** By keyset (created_at, id). */
  findPage({ customerId, limit, after }: OrderPageQuery): Promise<Order[]> {
    const query = this.dataSource.manager
      .createQueryBuilder(Order, 'o')
      .orderBy('o.createdAt', 'DESC')
      .addOrderBy('o.id', 'DESC')
      .limit(limit);
    if (customerId) query.andWhere('o.customer_id = :customerId', { customerId });
    if (after) {
      query.andWhere(
        '(o.created_at, o.id) < (SELECT created_at, id FROM orders WHERE id = :after)',
        { after },
      );
    }
    return query.getMany();
  }
}

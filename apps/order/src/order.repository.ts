import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { Order } from './order.entity.js';

export interface OrderPageQuery {
  customerId?: string;
  limit: number;
  /** Id of the last order of the previous page. */
  after?: string;
}

/** Orders in PostgreSQL. Writes run in the caller's transaction (the message's, with its inbox row). */
@Injectable()
export class OrderRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Inserts the order unless its id is taken; a concurrent insert of the same id is waited for. */
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

  /** The order, locked until the transaction ends, so two commands never decide it at once. */
  findForUpdate(id: string, manager: EntityManager): Promise<Order | null> {
    return manager.findOne(Order, { where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  save(order: Order, manager: EntityManager): Promise<Order> {
    return manager.save(order);
  }

  findById(id: string): Promise<Order | null> {
    return this.dataSource.manager.findOneBy(Order, { id });
  }

  /** Newest first, by keyset (created_at, id): stable while orders are added. */
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

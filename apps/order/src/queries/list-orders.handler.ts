import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { OrderRepository } from '../order.repository.js';
import { orderView, type OrderPageView } from '../order.view.js';
import { UnknownCursorError } from '../unknown-cursor.error.js';

/** A page of orders, newest first, of one customer or of all. */
export class ListOrdersQuery extends Query<OrderPageView> {
  constructor(
    readonly page: {
      customerId?: string;
      limit: number;
      /** The `nextCursor` of the page before. */
      cursor?: string;
    },
  ) {
    super();
  }
}

@QueryHandler(ListOrdersQuery)
export class ListOrdersHandler implements IQueryHandler<ListOrdersQuery> {
  constructor(private readonly orders: OrderRepository) {}

  /** Throws UnknownCursorError for a cursor that names no order. */
  async execute({ page }: ListOrdersQuery): Promise<OrderPageView> {
    const { customerId, limit, cursor } = page;
    if (cursor && !(await this.orders.findById(cursor))) throw new UnknownCursorError(cursor);
    // One extra row tells whether another page follows.
    const rows = await this.orders.findPage({ customerId, limit: limit + 1, after: cursor });
    const orders = rows.slice(0, limit);
    return {
      items: orders.map(orderView),
      nextCursor: rows.length > limit ? orders[orders.length - 1].id : null,
    };
  }
}

import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { OrderRepository } from '../order.repository.js';
import { orderView, type OrderView } from '../order.view.js';

/** One order as the read API shows it; undefined when there is none. */
export class GetOrderQuery extends Query<OrderView | undefined> {
  constructor(readonly orderId: string) {
    super();
  }
}

@QueryHandler(GetOrderQuery)
export class GetOrderHandler implements IQueryHandler<GetOrderQuery> {
  constructor(private readonly orders: OrderRepository) {}

  async execute({ orderId }: GetOrderQuery): Promise<OrderView | undefined> {
    const found = await this.orders.findById(orderId);
    return found ? orderView(found) : undefined;
  }
}

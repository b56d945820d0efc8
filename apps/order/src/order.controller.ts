import {
  BadRequestException,
  Controller,
  ForbiddenException,
  Get,
  NotFoundException,
  Param,
  ParseUUIDPipe,
  Query,
} from '@nestjs/common';
import { actsFor, CurrentPrincipal, type Principal } from '@app/identity';
import { parseListOrdersQuery } from './list-orders.query.js';
import { OrderService } from './order.service.js';
import { orderView, type OrderView } from './order.view.js';

export interface OrderPageView {
  items: OrderView[];
  nextCursor: string | null;
}

/**
 * The internal read API behind the gateway. It checks the caller's token again: a customer sees
 * only its own orders, another's is "not found".
 */
@Controller('orders')
export class OrderController {
  constructor(private readonly orders: OrderService) {}

  @Get(':id')
  async get(
    @CurrentPrincipal() caller: Principal,
    @Param('id', ParseUUIDPipe) id: string,
  ): Promise<OrderView> {
    const found = await this.orders.find(id);
    if (!found || !actsFor(caller, found.customerId))
      throw new NotFoundException(`order ${id} does not exist`);
    return orderView(found);
  }

  /** `?customerId=&limit=&cursor=`: newest first. */
  @Get()
  async list(
    @CurrentPrincipal() caller: Principal,
    @Query() rawQuery: unknown,
  ): Promise<OrderPageView> {
    const query = parseListOrdersQuery(rawQuery);
    if (query.customerId && !actsFor(caller, query.customerId)) {
      throw new ForbiddenException('A customer may list only its own orders');
    }
    const customerId = caller.role === 'customer' ? caller.customerId : query.customerId;
    if (query.cursor && !(await this.orders.find(query.cursor))) {
      throw new BadRequestException('cursor: must be the nextCursor of a previous page');
    }
    const page = await this.orders.list({ ...query, customerId });
    return { items: page.orders.map(orderView), nextCursor: page.nextCursor };
  }
}

import {
  BadRequestException,
  Controller,
  Get,
  NotFoundException,
  Param,
  ParseUUIDPipe,
  Query,
} from '@nestjs/common';
import { parseListOrdersQuery } from './list-orders.query.js';
import { OrderService } from './order.service.js';
import { orderView, type OrderView } from './order.view.js';

export interface OrderPageView {
  items: OrderView[];
  nextCursor: string | null;
}

/** The internal read API; the gateway proxies it and decides who may see what. */
@Controller('orders')
export class OrderController {
  constructor(private readonly orders: OrderService) {}

  @Get(':id')
  async get(@Param('id', ParseUUIDPipe) id: string): Promise<OrderView> {
    const found = await this.orders.find(id);
    if (!found) throw new NotFoundException(`order ${id} does not exist`);
    return orderView(found);
  }

  /** `?customerId=&limit=&cursor=`: newest first. */
  @Get()
  async list(@Query() rawQuery: unknown): Promise<OrderPageView> {
    const query = parseListOrdersQuery(rawQuery);
    if (query.cursor && !(await this.orders.find(query.cursor))) {
      throw new BadRequestException('cursor: must be the nextCursor of a previous page');
    }
    const page = await this.orders.list(query);
    return { items: page.orders.map(orderView), nextCursor: page.nextCursor };
  }
}

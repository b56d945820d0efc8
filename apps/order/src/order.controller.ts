import { Controller, Get, NotFoundException, Param, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { CurrentPrincipal, listScopeOf, visibleTo, type Principal } from '@app/identity';
import { Uuid, ValidationFailedException, ZodValidationPipe } from '@app/validation';
import { ListOrdersRequest } from './list-orders.request.js';
import type { OrderPageView, OrderView } from './order.view.js';
import { GetOrderQuery } from './queries/get-order.handler.js';
import { ListOrdersQuery } from './queries/list-orders.handler.js';
import { UnknownCursorError } from './unknown-cursor.error.js';

/**
 * The internal read API behind the gateway. It checks the caller's token again: a customer sees
 * only its own orders, another's is "not found".
 */
@Controller('orders')
export class OrderController {
  constructor(private readonly queryBus: QueryBus) {}

  @Get(':id')
  async get(
    @CurrentPrincipal() caller: Principal,
    @Param('id', new ZodValidationPipe(Uuid, 'order id', 'id')) id: string,
  ): Promise<OrderView> {
    const found = await this.queryBus.execute(new GetOrderQuery(id));
    return visibleTo(caller, found, () => new NotFoundException(`order ${id} does not exist`));
  }

  /** `?customerId=&limit=&cursor=`: newest first. */
  @Get()
  async list(
    @CurrentPrincipal() caller: Principal,
    @Query(new ZodValidationPipe(ListOrdersRequest, 'query')) request: ListOrdersRequest,
  ): Promise<OrderPageView> {
    const customerId = listScopeOf(caller, request.customerId, 'orders');
    try {
      return await this.queryBus.execute(new ListOrdersQuery({ ...request, customerId }));
    } catch (error) {
      if (!(error instanceof UnknownCursorError)) throw error;
      throw new ValidationFailedException('Invalid query: cursor', [
        { field: 'cursor', message: 'must be the nextCursor of a previous page' },
      ]);
    }
  }
}

import {
  Controller,
  ForbiddenException,
  Get,
  NotFoundException,
  Param,
  Query,
} from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { actsFor, CurrentPrincipal, type Principal } from '@app/identity';
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
    if (!found || !actsFor(caller, found.customerId))
      throw new NotFoundException(`order ${id} does not exist`);
    return found;
  }

  /** `?customerId=&limit=&cursor=`: newest first. */
  @Get()
  async list(
    @CurrentPrincipal() caller: Principal,
    @Query(new ZodValidationPipe(ListOrdersRequest, 'query')) request: ListOrdersRequest,
  ): Promise<OrderPageView> {
    if (request.customerId && !actsFor(caller, request.customerId)) {
      throw new ForbiddenException('A customer may list only its own orders');
    }
    const customerId = caller.role === 'customer' ? caller.customerId : request.customerId;
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

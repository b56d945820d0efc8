import { Body, Controller, Get, HttpCode, HttpStatus, Param, Post, Query } from '@nestjs/common';
import { CurrentPrincipal, type Principal } from '../auth/principal.js';
import { Roles } from '../auth/roles.decorator.js';
import { Forwarded, type ForwardedContext } from '../upstream/forwarded-context.js';
import { Uuid } from '../validation/uuid.schema.js';
import { ZodValidationPipe } from '../validation/zod-validation.pipe.js';
import { IdempotencyKeyHeader } from './idempotency-key.decorator.js';
import { ListOrdersQuery } from './list-orders.query.js';
import { OrdersService, type PlacedOrder } from './orders.service.js';
import { PlaceOrderRequest } from './place-order.request.js';

@Controller('api/orders')
@Roles('customer', 'admin')
export class OrdersController {
  constructor(private readonly orders: OrdersService) {}

  /** Starts the place-order saga and answers before it ends (202). */
  @Post()
  @HttpCode(HttpStatus.ACCEPTED)
  place(
    @CurrentPrincipal() principal: Principal,
    @IdempotencyKeyHeader() idempotencyKey: string,
    @Body(new ZodValidationPipe(PlaceOrderRequest, 'order')) body: PlaceOrderRequest,
    @Forwarded() context: ForwardedContext,
  ): Promise<PlacedOrder> {
    return this.orders.place(principal, body, idempotencyKey, context);
  }

  @Get(':id')
  get(
    @CurrentPrincipal() principal: Principal,
    @Param('id', new ZodValidationPipe(Uuid, 'order id', 'id')) id: string,
    @Forwarded() context: ForwardedContext,
  ): Promise<unknown> {
    return this.orders.get(principal, id, context);
  }

  @Get()
  list(
    @CurrentPrincipal() principal: Principal,
    @Query(new ZodValidationPipe(ListOrdersQuery, 'query')) query: ListOrdersQuery,
    @Forwarded() context: ForwardedContext,
  ): Promise<unknown> {
    return this.orders.list(principal, query, context);
  }
}

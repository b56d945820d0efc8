import { Body, Controller, Get, HttpCode, HttpStatus, Param, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { CurrentPrincipal, type Principal, Roles } from '@app/identity';
import { Uuid, ZodValidationPipe } from '@app/validation';
import {
  CancelledOrderAnswer,
  OrderAnswer,
  OrderPage,
  PlacedOrderAnswer,
} from '../docs/api-schemas.js';
import {
  ApiAnswer,
  ApiCaller,
  ApiErrors,
  ApiJsonBody,
  ApiQueryOf,
  ApiRequiredHeader,
  ApiUuidParam,
} from '../docs/api-docs.decorators.js';
import { Forwarded, type ForwardedContext } from '../upstream/forwarded-context.js';
import { IdempotencyKeyHeader } from './idempotency-key.decorator.js';
import { ListOrdersQuery } from './list-orders.query.js';
import { OrdersService, type CancelledOrder, type PlacedOrder } from './orders.service.js';
import { IdempotencyKey, PlaceOrderRequest } from './place-order.request.js';

@ApiTags('orders')
@ApiCaller()
@Controller('api/orders')
@Roles('customer', 'admin')
export class OrdersController {
  constructor(private readonly orders: OrdersService) {}

  /** Starts the place-order saga and answers before it ends (202). */
  @Post()
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({
    summary: 'Place an order (customer; an admin names customerId)',
    description: 'Starts the place-order saga; follow it at /api/sagas/{sagaId}.',
  })
  @ApiRequiredHeader(
    'Idempotency-Key',
    'The same key returns the same saga and order, never a second one',
    IdempotencyKey,
  )
  @ApiJsonBody(PlaceOrderRequest)
  @ApiAnswer(
    HttpStatus.ACCEPTED,
    'The saga started (or the one this key started)',
    PlacedOrderAnswer,
  )
  @ApiErrors(HttpStatus.FORBIDDEN, HttpStatus.UNPROCESSABLE_ENTITY)
  place(
    @CurrentPrincipal() principal: Principal,
    @IdempotencyKeyHeader() idempotencyKey: string,
    @Body(new ZodValidationPipe(PlaceOrderRequest, 'order')) body: PlaceOrderRequest,
    @Forwarded() context: ForwardedContext,
  ): Promise<PlacedOrder> {
    return this.orders.place(principal, body, idempotencyKey, context);
  }

  /** Starts the cancel-order saga and answers before it ends (202). */
  @Post(':id/cancel')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({
    summary: 'Cancel an approved order within its cancel window (its customer, admin)',
    description:
      'Starts the cancel-order saga: the order is CANCELLING, its payment refunded, its credit released, then CANCELLED. A refund that fails for good returns it to APPROVED with `cancellationFailure`. Follow it at /api/sagas/{sagaId}.',
  })
  @ApiUuidParam('id', 'The order')
  @ApiRequiredHeader(
    'Idempotency-Key',
    'The same key returns the same saga, never a second one',
    IdempotencyKey,
  )
  @ApiAnswer(
    HttpStatus.ACCEPTED,
    'The saga started (or the one this key started)',
    CancelledOrderAnswer,
  )
  @ApiErrors(HttpStatus.NOT_FOUND, HttpStatus.CONFLICT, HttpStatus.UNPROCESSABLE_ENTITY)
  cancel(
    @CurrentPrincipal() principal: Principal,
    @Param('id', new ZodValidationPipe(Uuid, 'order id', 'id')) id: string,
    @IdempotencyKeyHeader() idempotencyKey: string,
    @Forwarded() context: ForwardedContext,
  ): Promise<CancelledOrder> {
    return this.orders.cancel(principal, id, idempotencyKey, context);
  }

  @Get(':id')
  @ApiOperation({ summary: 'An order (its customer, admin)' })
  @ApiUuidParam('id', 'The order')
  @ApiAnswer(HttpStatus.OK, 'The order', OrderAnswer)
  @ApiErrors(HttpStatus.NOT_FOUND)
  get(
    @CurrentPrincipal() principal: Principal,
    @Param('id', new ZodValidationPipe(Uuid, 'order id', 'id')) id: string,
    @Forwarded() context: ForwardedContext,
  ): Promise<unknown> {
    return this.orders.get(principal, id, context);
  }

  @Get()
  @ApiOperation({
    summary: 'A page of orders (a customer its own; an admin all, or one customer’s)',
  })
  @ApiQueryOf(ListOrdersQuery)
  @ApiAnswer(HttpStatus.OK, 'A page of orders', OrderPage)
  @ApiErrors(HttpStatus.FORBIDDEN)
  list(
    @CurrentPrincipal() principal: Principal,
    // Typed through z.infer so the reflected type is Object, not the schema: ApiQueryOf documents it.
    @Query(new ZodValidationPipe(ListOrdersQuery, 'query')) query: z.infer<typeof ListOrdersQuery>,
    @Forwarded() context: ForwardedContext,
  ): Promise<unknown> {
    return this.orders.list(principal, query, context);
  }
}

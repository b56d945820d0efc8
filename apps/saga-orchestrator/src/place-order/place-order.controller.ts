import { randomUUID } from 'node:crypto';
import {
  Body,
  Controller,
  ForbiddenException,
  HttpCode,
  Inject,
  Post,
  UseFilters,
} from '@nestjs/common';
import { actsFor, CurrentPrincipal, type Principal } from '@app/identity';
import { SagaEngine, type SagaDefinition } from '@app/saga';
import { ZodValidationPipe } from '@app/validation';
import { SagaErrorsFilter } from '../errors/saga-errors.filter.js';
import { fingerprintOf, PlaceOrderRequest } from './place-order.request.js';
import type { PlaceOrderState } from './place-order.saga.js';

export const PLACE_ORDER_SAGA = Symbol('PLACE_ORDER_SAGA');

export interface PlaceOrderAccepted {
  orderId: string;
  sagaId: string;
  status: 'PENDING';
}

/**
 * Starts place-order sagas, behind the gateway. The caller's token is checked again here: a
 * customer orders only for itself.
 */
@Controller('sagas/place-order')
@UseFilters(SagaErrorsFilter)
export class PlaceOrderController {
  constructor(
    private readonly engine: SagaEngine,
    @Inject(PLACE_ORDER_SAGA) private readonly saga: SagaDefinition<PlaceOrderState>,
  ) {}

  @Post()
  @HttpCode(202)
  async start(
    @CurrentPrincipal() caller: Principal,
    @Body(new ZodValidationPipe(PlaceOrderRequest, 'order')) request: PlaceOrderRequest,
  ): Promise<PlaceOrderAccepted> {
    const { customerId, total, paymentToken, idempotencyKey } = request;
    if (!actsFor(caller, customerId)) {
      throw new ForbiddenException('A customer places orders only for itself');
    }
    const started = await this.engine.start(
      this.saga,
      { orderId: randomUUID(), customerId, total, paymentToken },
      {
        customerId,
        // Scoped to the customer: a key another customer guessed or squats is another key.
        idempotency: {
          key: `${customerId}/${idempotencyKey}`,
          fingerprint: fingerprintOf(request),
        },
      },
    );
    return { orderId: started.state.orderId, sagaId: started.id, status: 'PENDING' };
  }
}

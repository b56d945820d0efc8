import { randomUUID } from 'node:crypto';
import { Body, Controller, HttpCode, Post, UseFilters } from '@nestjs/common';
import { CurrentPrincipal, type Principal } from '@app/identity';
import { ZodValidationPipe } from '@app/validation';
import { SagaErrorsFilter } from '../errors/saga-errors.filter.js';
import { SagaStarter } from '../sagas/saga-starter.js';
import { fingerprintOf, PlaceOrderRequest } from './place-order.request.js';
import type { PlaceOrderState } from './place-order.saga.js';

export interface PlaceOrderAccepted {
  orderId: string;
  sagaId: string;
  status: 'PENDING';
}

/** Starts place-order sagas, behind the gateway: a customer orders only for itself. */
@Controller('sagas/place-order')
@UseFilters(SagaErrorsFilter)
export class PlaceOrderController {
  constructor(private readonly starter: SagaStarter) {}

  @Post()
  @HttpCode(202)
  async start(
    @CurrentPrincipal() caller: Principal,
    @Body(new ZodValidationPipe(PlaceOrderRequest, 'order')) request: PlaceOrderRequest,
  ): Promise<PlaceOrderAccepted> {
    const { customerId, total, paymentToken, idempotencyKey } = request;
    const orderId = randomUUID();
    const started = await this.starter.start<PlaceOrderState>(caller, {
      saga: 'place-order',
      state: { orderId, customerId, total, paymentToken },
      customerId,
      subject: `order:${orderId}`,
      idempotency: { key: idempotencyKey, fingerprint: fingerprintOf(request) },
    });
    return { orderId: started.state.orderId, sagaId: started.id, status: 'PENDING' };
  }
}

import { randomUUID } from 'node:crypto';
import { Body, Controller, HttpCode, Post, Query, UseFilters } from '@nestjs/common';
import { CurrentPrincipal, type Principal } from '@app/identity';
import { ZodValidationPipe } from '@app/validation';
import { SagaErrorsFilter } from '../errors/saga-errors.filter.js';
import { SagaStarter } from '../sagas/saga-starter.js';
import { CancelOrderRequest, fingerprintOf } from './cancel-order.request.js';
import type { CancelOrderState } from './cancel-order.saga.js';

export interface CancelOrderAccepted {
  orderId: string;
  sagaId: string;
}

/**
 * Starts cancel-order sagas, behind the gateway. One cancellation of an order runs at a time: a
 * second one while it runs is a 409 (the order itself refuses any but an approved order).
 */
@Controller('sagas/cancel-order')
@UseFilters(SagaErrorsFilter)
export class CancelOrderController {
  constructor(private readonly starter: SagaStarter) {}

  @Post()
  @HttpCode(202)
  async start(
    @CurrentPrincipal() caller: Principal,
    @Body(new ZodValidationPipe(CancelOrderRequest, 'cancellation')) request: CancelOrderRequest,
    // `?replay=only`: the gateway saw the order already cancelling; only a retry of the request
    // that started it is answered (202, the same saga), anything else is a 404.
    @Query('replay') replay?: string,
  ): Promise<CancelOrderAccepted> {
    const { orderId, customerId, idempotencyKey } = request;
    const idempotency = { key: idempotencyKey, fingerprint: fingerprintOf(request) };
    if (replay === 'only') {
      const replayed = await this.starter.replay(caller, {
        saga: 'cancel-order',
        customerId,
        idempotency,
      });
      return { orderId, sagaId: replayed.id };
    }
    const started = await this.starter.start<CancelOrderState>(caller, {
      saga: 'cancel-order',
      state: { orderId, customerId, cancellationId: randomUUID() },
      customerId,
      subject: `order:${orderId}`,
      idempotency,
    });
    return { orderId, sagaId: started.id };
  }
}

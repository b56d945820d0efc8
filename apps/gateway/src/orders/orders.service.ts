import { ConflictException, Injectable } from '@nestjs/common';
import { z } from 'zod';
import { customerActedFor, listScopeOf, type Principal } from '@app/identity';
import type { ForwardedContext } from '../upstream/forwarded-context.js';
import { UpstreamResponseError } from '../errors/gateway.error.js';
import { readOwnedRecord } from '../upstream/owned-record.read.js';
import { UpstreamClient } from '../upstream/upstream.client.js';
import type { ListOrdersQuery } from './list-orders.query.js';
import type { PlaceOrderRequest } from './place-order.request.js';

/** Enough of an order to tell whose it is; the rest passes through as the order service wrote it. */
const OwnedOrder = z.looseObject({ customerId: z.string().nullable() });

/** Enough of an order to tell whether it may be cancelled now. */
const CancellableOrder = z.looseObject({
  customerId: z.string(),
  status: z.string(),
  cancellableUntil: z.string().optional(),
});

export interface CancelledOrder {
  orderId: string;
  sagaId: string;
}

export interface PlacedOrder {
  orderId: string;
  sagaId: string;
  status: string;
}

/** Orders as the public API shows them: placed through the orchestrator, read from order. */
@Injectable()
export class OrdersService {
  constructor(private readonly upstream: UpstreamClient) {}

  async place(
    principal: Principal,
    request: PlaceOrderRequest,
    idempotencyKey: string,
    context: ForwardedContext,
  ): Promise<PlacedOrder> {
    const { total, paymentToken } = request;
    const customerId = customerActedFor(principal, request.customerId, {
      unnamed: 'customerId is required when an admin places an order',
      refused: 'A customer places orders only for itself',
    });
    const answer = await this.upstream.json<PlacedOrder>(
      'saga-orchestrator',
      {
        method: 'POST',
        path: '/sagas/place-order',
        headers: { 'idempotency-key': idempotencyKey },
        body: { customerId, total, paymentToken, idempotencyKey },
      },
      context,
    );
    return answer.body;
  }

  /**
   * Starts the cancel-order saga of an approved order within its cancel window; anything else is
   * a 409 that says why, before any saga starts. The order service checks again when the saga
   * locks the order, and the orchestrator runs one cancellation of an order at a time.
   */
  async cancel(
    principal: Principal,
    id: string,
    idempotencyKey: string,
    context: ForwardedContext,
  ): Promise<CancelledOrder> {
    const found = CancellableOrder.safeParse(await this.get(principal, id, context));
    if (!found.success) {
      throw new ConflictException(`Order ${id} cannot be cancelled: it was never created`);
    }
    const { customerId, status, cancellableUntil } = found.data;
    if (status === 'CANCELLING' || status === 'CANCELLED') {
      // A retry of the request that started the cancellation gets its first answer back.
      const replayed = await this.replayedCancel(id, customerId, idempotencyKey, context);
      if (replayed) return replayed;
      throw new ConflictException(`Order ${id} is ${status}: it is already being cancelled`);
    }
    if (status !== 'APPROVED') {
      throw new ConflictException(
        `Order ${id} is ${status}: only an APPROVED order can be cancelled`,
      );
    }
    if (!cancellableUntil || Date.parse(cancellableUntil) < Date.now()) {
      throw new ConflictException(
        `Order ${id} is past its cancel window${cancellableUntil ? ` (it ended ${cancellableUntil})` : ''}`,
      );
    }
    const answer = await this.upstream.json<CancelledOrder>(
      'saga-orchestrator',
      {
        method: 'POST',
        path: '/sagas/cancel-order',
        headers: { 'idempotency-key': idempotencyKey },
        body: { orderId: id, customerId, idempotencyKey },
      },
      context,
    );
    return answer.body;
  }

  /** The saga a cancel under this key started, if one did: nothing new is started. */
  private async replayedCancel(
    id: string,
    customerId: string,
    idempotencyKey: string,
    context: ForwardedContext,
  ): Promise<CancelledOrder | undefined> {
    try {
      const answer = await this.upstream.json<CancelledOrder>(
        'saga-orchestrator',
        {
          method: 'POST',
          path: '/sagas/cancel-order',
          query: { replay: 'only' },
          headers: { 'idempotency-key': idempotencyKey },
          body: { orderId: id, customerId, idempotencyKey },
        },
        context,
      );
      return answer.body;
    } catch (error) {
      if (error instanceof UpstreamResponseError && error.upstreamStatus === 404) return undefined;
      throw error;
    }
  }

  /** Another customer's order is "not found": its existence is none of the caller's business. */
  async get(principal: Principal, id: string, context: ForwardedContext): Promise<unknown> {
    return readOwnedRecord(
      this.upstream,
      principal,
      {
        service: 'order',
        path: `/orders/${encodeURIComponent(id)}`,
        record: OwnedOrder,
        name: `Order ${id}`,
      },
      context,
    );
  }

  /** A customer lists its own orders; an admin all of them, or one customer's. */
  async list(
    principal: Principal,
    query: ListOrdersQuery,
    context: ForwardedContext,
  ): Promise<unknown> {
    const customerId = listScopeOf(principal, query.customerId, 'orders');
    const { body } = await this.upstream.json<unknown>(
      'order',
      { method: 'GET', path: '/orders', query: { ...query, customerId } },
      context,
    );
    return body;
  }
}

import { Injectable } from '@nestjs/common';
import { z } from 'zod';
import type { Principal } from '@app/identity';
import type { ForwardedContext } from '../upstream/forwarded-context.js';
import { readOwnedRecord } from '../upstream/owned-record.read.js';
import {
  UpstreamClient,
  type UpstreamAnswer,
  type UpstreamStream,
} from '../upstream/upstream.client.js';
import type { BulkActionRequest } from './bulk-action.request.js';
import type { ListSagasQuery } from './list-sagas.query.js';

/** Enough of a saga to tell whose it is; the rest passes through as the orchestrator wrote it. */
const OwnedSaga = z.looseObject({ customerId: z.string().nullish() });

/** Saga queries, the live event stream and operator actions, served by the orchestrator. */
@Injectable()
export class SagasService {
  constructor(private readonly upstream: UpstreamClient) {}

  /** Another customer's saga is "not found", as for orders. */
  async get(principal: Principal, id: string, context: ForwardedContext): Promise<unknown> {
    return readOwnedRecord(
      this.upstream,
      principal,
      {
        service: 'saga-orchestrator',
        path: `/sagas/${encodeURIComponent(id)}`,
        record: OwnedSaga,
        name: `Saga ${id}`,
      },
      context,
    );
  }

  async list(query: ListSagasQuery, context: ForwardedContext): Promise<unknown> {
    const { body } = await this.upstream.json<unknown>(
      'saga-orchestrator',
      { method: 'GET', path: '/sagas', query },
      context,
    );
    return body;
  }

  /**
   * Opens the saga's event stream. The orchestrator checks that the caller (its token is passed
   * on) may see the saga before it reads anything, and answers 404 for another customer's, as for
   * a missing one: a read here first would only repeat that check at the cost of a round trip.
   */
  events(id: string, context: ForwardedContext): Promise<UpstreamStream> {
    return this.upstream.stream(
      'saga-orchestrator',
      {
        method: 'GET',
        path: `/sagas/${encodeURIComponent(id)}/events`,
        headers: { accept: 'text/event-stream' },
      },
      context,
    );
  }

  /** `retry`, `compensate` or `restart-from/<step>`: the orchestrator accepts the action (202). */
  async act(
    action: 'retry' | 'compensate' | `restart-from/${string}`,
    id: string,
    context: ForwardedContext,
  ): Promise<unknown> {
    const { body } = await this.upstream.json<unknown>(
      'saga-orchestrator',
      { method: 'POST', path: `/sagas/${encodeURIComponent(id)}/${action}` },
      context,
    );
    return body;
  }

  /** Not retried on another instance (a POST without an Idempotency-Key). */
  async bulk(
    request: BulkActionRequest,
    context: ForwardedContext,
  ): Promise<UpstreamAnswer<unknown>> {
    return this.upstream.json<unknown>(
      'saga-orchestrator',
      // Many sagas, each its own transaction: longer than one request's usual budget.
      { method: 'POST', path: '/sagas/bulk-actions', body: request, timeoutMs: 30_000 },
      context,
    );
  }
}

import { Injectable } from '@nestjs/common';
import type { ForwardedContext } from '../upstream/forwarded-context.js';
import { UpstreamClient } from '../upstream/upstream.client.js';
import type { ListDeadLettersQuery } from './list-dead-letters.query.js';

/** Dead letters are kept by the orchestrator, the operator's back office: passed through. */
@Injectable()
export class DeadLettersService {
  constructor(private readonly upstream: UpstreamClient) {}

  async list(query: ListDeadLettersQuery, context: ForwardedContext): Promise<unknown> {
    const { body } = await this.upstream.json<unknown>(
      'saga-orchestrator',
      { method: 'GET', path: '/dead-letters', query },
      context,
    );
    return body;
  }

  /** Not retried on another instance (a POST without an Idempotency-Key): a second try is a 409. */
  async act(action: 'replay' | 'discard', id: string, context: ForwardedContext): Promise<unknown> {
    const { body } = await this.upstream.json<unknown>(
      'saga-orchestrator',
      { method: 'POST', path: `/dead-letters/${encodeURIComponent(id)}/${action}` },
      context,
    );
    return body;
  }
}

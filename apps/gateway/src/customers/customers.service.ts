import { Injectable, NotFoundException } from '@nestjs/common';
import { actsFor, type Principal } from '@app/identity';
import type { ForwardedContext } from '../upstream/forwarded-context.js';
import { UpstreamClient } from '../upstream/upstream.client.js';
import type { CreateCustomerRequest } from './create-customer.request.js';

/** Customers and their credit, kept by the credit service. */
@Injectable()
export class CustomersService {
  constructor(private readonly upstream: UpstreamClient) {}

  async create(request: CreateCustomerRequest, context: ForwardedContext): Promise<unknown> {
    const { body } = await this.upstream.json<unknown>(
      'credit',
      { method: 'POST', path: '/customers', body: request },
      context,
    );
    return body;
  }

  /** A customer sees only its own credit; any other id is "not found", as for orders. */
  async creditOf(principal: Principal, id: string, context: ForwardedContext): Promise<unknown> {
    if (!actsFor(principal, id)) {
      throw new NotFoundException(`Customer ${id} not found`);
    }
    const { body } = await this.upstream.json<unknown>(
      'credit',
      { method: 'GET', path: `/customers/${encodeURIComponent(id)}/credit` },
      context,
    );
    return body;
  }
}

import { NotFoundException } from '@nestjs/common';
import type { z } from 'zod';
import { visibleTo, type Principal } from '@app/identity';
import { UpstreamResponseError } from '../errors/gateway.error.js';
import type { ForwardedContext } from './forwarded-context.js';
import type { ServiceName } from './service-names.js';
import type { UpstreamClient } from './upstream.client.js';

export interface OwnedRecordRead<S extends z.ZodType<{ customerId?: string | null }>> {
  service: ServiceName;
  path: string;
  /** Enough of the record to tell whose it is; the rest passes through as its service wrote it. */
  record: S;
  /** Says what was not found (`Order <id>`), for a missing record and for another customer's. */
  name: string;
}

/**
 * Reads one record a customer owns from its service: an answer that does not say whose it is is
 * a 502, and another customer's record is "not found", as a missing one is.
 */
export async function readOwnedRecord<S extends z.ZodType<{ customerId?: string | null }>>(
  upstream: UpstreamClient,
  caller: Principal,
  read: OwnedRecordRead<S>,
  context: ForwardedContext,
): Promise<z.infer<S>> {
  const { body } = await upstream.json<unknown>(
    read.service,
    { method: 'GET', path: read.path },
    context,
  );
  const parsed = read.record.safeParse(body);
  if (!parsed.success) throw new UpstreamResponseError(read.service, 502, undefined);
  return visibleTo(caller, parsed.data, () => new NotFoundException(`${read.name} not found`));
}

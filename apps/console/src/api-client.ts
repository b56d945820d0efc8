import type { Session } from './session.js';

export interface Money {
  amount: number;
  currency: string;
}

export type SagaStatus = 'RUNNING' | 'COMPENSATING' | 'COMPLETED' | 'COMPENSATED' | 'FAILED';
export const SAGA_STATUSES: SagaStatus[] = [
  'RUNNING',
  'COMPENSATING',
  'COMPLETED',
  'COMPENSATED',
  'FAILED',
];

export interface CustomerCredit {
  customerId: string;
  creditLimit: Money;
  availableCredit: Money;
  reserved: Money;
}

export interface Order {
  id: string;
  customerId: string | null;
  total: Money | null;
  status: 'PENDING' | 'APPROVED' | 'REJECTED';
  rejectionReason?: string;
  createdAt: string;
  updatedAt: string;
}

export interface PlacedOrder {
  orderId: string;
  sagaId: string;
  status: 'PENDING';
}

export interface SagaSummary {
  id: string;
  type: string;
  status: SagaStatus;
  definitionVersion: number;
  customerId: string | null;
  orderId: string | null;
  createdAt: string;
  updatedAt: string;
  lastError?: string;
}

export interface SagaStep {
  step: string;
  direction: 'forward' | 'backward';
  event: string;
  messageType: string | null;
  messageId: string | null;
  detail: string | null;
  status: SagaStatus;
  at: string;
}

export interface Saga extends SagaSummary {
  traceId?: string | null;
  steps: SagaStep[];
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface ServiceInstance {
  service: string;
  id: string;
  url: string;
  status: string;
  lastCheck: string | null;
  failures: number;
}

export interface DeadLetter {
  id: string;
  queue: string;
  messageId: string;
  type: string | null;
  sagaId: string | null;
  reason: string;
  deadLetteredAt: string;
  ageSeconds: number;
  status: 'PENDING' | 'REPLAYED' | 'DISCARDED';
  replayable: boolean;
}

export interface BulkFilter {
  type?: string;
  status?: SagaStatus;
  step?: string;
  from?: string;
  to?: string;
}

export interface BulkActionResult {
  action: 'retry' | 'compensate';
  dryRun: boolean;
  sagas: (SagaSummary & {
    step: string | null;
    outcome?: 'accepted' | 'refused';
    reason?: string;
  })[];
  truncated: boolean;
}

/** The API's one error shape, as an exception the views can show. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly requestId?: string,
  ) {
    super(message);
  }
}

/** What a view tells the user when a call failed: the API's message and its request id. */
export function messageOf(failure: unknown): string {
  if (failure instanceof ApiError) {
    return `${failure.message}${failure.requestId ? ` (request ${failure.requestId})` : ''}`;
  }
  return failure instanceof Error ? failure.message : String(failure);
}

type Query = Record<string, string | undefined>;

/** The public REST API, as any frontend sees it: the console uses nothing else. */
export class ApiClient {
  constructor(private readonly session?: Session) {}

  devToken(role: 'customer' | 'admin', customerId?: string): Promise<{ accessToken: string }> {
    return this.call('POST', '/api/auth/dev-token', { body: { role, customerId } });
  }

  createCustomer(name: string, creditLimit: Money): Promise<{ id: string }> {
    return this.call('POST', '/api/customers', { body: { name, creditLimit } });
  }

  credit(customerId: string): Promise<CustomerCredit> {
    return this.call('GET', `/api/customers/${encodeURIComponent(customerId)}/credit`);
  }

  placeOrder(total: Money, paymentToken: string, idempotencyKey: string): Promise<PlacedOrder> {
    return this.call('POST', '/api/orders', {
      body: { total, paymentToken },
      headers: { 'idempotency-key': idempotencyKey },
    });
  }

  orders(query: Query = {}): Promise<Page<Order>> {
    return this.call('GET', '/api/orders', { query });
  }

  saga(id: string): Promise<Saga> {
    return this.call('GET', `/api/sagas/${encodeURIComponent(id)}`);
  }

  sagas(query: Query): Promise<Page<SagaSummary>> {
    return this.call('GET', '/api/sagas', { query });
  }

  act(action: 'retry' | 'compensate', id: string): Promise<{ id: string; status: SagaStatus }> {
    return this.call('POST', `/api/sagas/${encodeURIComponent(id)}/${action}`);
  }

  bulk(
    action: 'retry' | 'compensate',
    filter: BulkFilter,
    dryRun: boolean,
  ): Promise<BulkActionResult> {
    return this.call('POST', '/api/sagas/bulk-actions', { body: { action, filter, dryRun } });
  }

  registry(): Promise<ServiceInstance[]> {
    return this.call('GET', '/api/registry');
  }

  deadLetters(query: Query): Promise<Page<DeadLetter>> {
    return this.call('GET', '/api/dead-letters', { query });
  }

  actOnDeadLetter(action: 'replay' | 'discard', id: string): Promise<DeadLetter> {
    return this.call('POST', `/api/dead-letters/${encodeURIComponent(id)}/${action}`);
  }

  /**
   * A saga's transitions as server-sent events, read with fetch (EventSource cannot send the
   * bearer token). Resolves when the stream ends: the saga ended, or `signal` aborted it.
   */
  async sagaEvents(
    id: string,
    onEntry: (entryId: string, step: SagaStep) => void,
    signal: AbortSignal,
  ): Promise<void> {
    const response = await fetch(`/api/sagas/${encodeURIComponent(id)}/events`, {
      headers: { ...this.authorization(), accept: 'text/event-stream' },
      signal,
    });
    if (!response.ok || !response.body) throw await errorOf(response);
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += value;
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const event = parseEvent(buffer.slice(0, end));
        buffer = buffer.slice(end + 2);
        if (event?.data) onEntry(event.id ?? '', JSON.parse(event.data) as SagaStep);
      }
    }
  }

  private async call<T>(
    method: 'GET' | 'POST',
    path: string,
    options: { body?: unknown; query?: Query; headers?: Record<string, string> } = {},
  ): Promise<T> {
    const query = Object.entries(options.query ?? {}).filter(([, value]) => value);
    const search = query.length ? `?${new URLSearchParams(query as [string, string][])}` : '';
    const response = await fetch(`${path}${search}`, {
      method,
      headers: {
        ...this.authorization(),
        ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...options.headers,
      },
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
    if (!response.ok) throw await errorOf(response);
    return (await response.json()) as T;
  }

  private authorization(): Record<string, string> {
    return this.session ? { authorization: `Bearer ${this.session.accessToken}` } : {};
  }
}

async function errorOf(response: Response): Promise<ApiError> {
  const body = (await response.json().catch(() => ({}))) as {
    message?: string;
    requestId?: string;
  };
  return new ApiError(response.status, body.message ?? response.statusText, body.requestId);
}

function parseEvent(block: string): { id?: string; data?: string } | undefined {
  const event: { id?: string; data?: string } = {};
  for (const line of block.split('\n')) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const field = line.slice(0, colon);
    const value = line.slice(colon + 1).replace(/^ /, '');
    if (field === 'id') event.id = value;
    if (field === 'data') event.data = event.data === undefined ? value : `${event.data}\n${value}`;
  }
  return event.data === undefined ? undefined : event;
}

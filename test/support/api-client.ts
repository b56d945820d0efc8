import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { eventuallyValue } from './eventually.js';

export interface ApiResponse<T = Record<string, unknown>> {
  status: number;
  body: T;
  headers: Headers;
}

export interface Money {
  amount: number;
  currency: string;
}

/** A frontend's view of Sagaflow: the gateway's public API and nothing else. */
export class ApiClient {
  constructor(readonly baseUrl: string) {}

  async request<T = Record<string, unknown>>(
    method: string,
    path: string,
    options: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
  ): Promise<ApiResponse<T>> {
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: {
        ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
        ...options.headers,
      },
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: AbortSignal.timeout(15_000),
    });
    const text = await response.text();
    return {
      status: response.status,
      body: (text ? JSON.parse(text) : {}) as T,
      headers: response.headers,
    };
  }

  /**
   * As a patient client would: while the gateway answers 503 with `Retry-After` (a service it
   * has no healthy instance of right now: the request reached none), waits and sends it again.
   */
  async whenAvailable<T = Record<string, unknown>>(
    method: string,
    path: string,
    options: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
    timeoutMs = 30_000,
  ): Promise<ApiResponse<T>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const response = await this.request<T>(method, path, options);
      const retryAfter = response.headers.get('retry-after');
      if (response.status !== 503 || retryAfter === null || Date.now() > deadline) return response;
      // Waits as long as the gateway asks to, as a client would: Retry-After is the subject.
      await sleep(Math.min(Number(retryAfter) * 1000 || 250, 1000));
    }
  }

  async token(role: 'admin' | 'customer', customerId?: string): Promise<string> {
    const { status, body } = await this.request<{ accessToken: string }>(
      'POST',
      '/api/auth/dev-token',
      { body: { role, ...(customerId ? { customerId } : {}) } },
    );
    if (status !== 200) throw new Error(`dev-token answered ${status}`);
    return body.accessToken;
  }

  async createCustomer(adminToken: string, creditLimit: Money): Promise<string> {
    const { status, body } = await this.whenAvailable<{ id: string }>('POST', '/api/customers', {
      token: adminToken,
      body: { name: `Customer ${randomUUID().slice(0, 8)}`, creditLimit },
    });
    if (status !== 201) throw new Error(`POST /api/customers answered ${status}`);
    return body.id;
  }

  placeOrder(token: string, total: Money, paymentToken: string, key: string = randomUUID()) {
    return this.request<{ orderId: string; sagaId: string; status: string }>(
      'POST',
      '/api/orders',
      { token, body: { total, paymentToken }, headers: { 'idempotency-key': key } },
    );
  }

  cancelOrder(token: string, orderId: string, key: string = randomUUID()) {
    return this.request<{ orderId: string; sagaId: string; message?: string }>(
      'POST',
      `/api/orders/${orderId}/cancel`,
      { token, headers: { 'idempotency-key': key } },
    );
  }

  /** Polls a saga until it reaches a terminal status. */
  async settledSaga(token: string, sagaId: string, timeoutMs = 60_000): Promise<SagaView> {
    const { body } = await eventuallyValue(
      () => this.request<SagaView>('GET', `/api/sagas/${sagaId}`, { token }),
      ({ status, body }) => status === 200 && TERMINAL.includes(body.status),
      { timeoutMs, intervalMs: 200, what: `saga ${sagaId} reaches a terminal status` },
    );
    return body;
  }
}

export const TERMINAL = ['COMPLETED', 'COMPENSATED', 'FAILED'];

export interface SagaView {
  id: string;
  type: string;
  status: string;
  definitionVersion: number;
  orderId: string;
  customerId: string;
  steps: Record<string, unknown>[];
  lastError?: string;
}

import { setTimeout as sleep } from 'node:timers/promises';

/** What a frontend sees: the gateway's public API, over plain HTTP. */
export class GatewayClient {
  constructor(baseUrl) {
    this.baseUrl = baseUrl;
  }

  async request(method, path, { token, body, headers = {}, timeoutMs = 15_000 } = {}) {
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await response.text();
    let parsed = {};
    try {
      parsed = text ? JSON.parse(text) : {};
    } catch {
      parsed = { text };
    }
    return { status: response.status, body: parsed };
  }

  /** Set-up calls, retried briefly: the system has just started. */
  async setUp(method, path, options, expected) {
    for (let attempt = 1; ; attempt += 1) {
      const response = await this.request(method, path, options).catch((error) => ({
        status: 0,
        body: { message: error.message },
      }));
      if (response.status === expected) return response.body;
      if (attempt >= 20) {
        throw new Error(
          `${method} ${path} answered ${response.status}: ${JSON.stringify(response.body)}`,
        );
      }
      await sleep(500);
    }
  }

  async token(role, customerId) {
    const body = { role, ...(customerId ? { customerId } : {}) };
    return (await this.setUp('POST', '/api/auth/dev-token', { body }, 200)).accessToken;
  }

  async createCustomer(adminToken, name, creditLimit) {
    const body = { name, creditLimit };
    return (await this.setUp('POST', '/api/customers', { token: adminToken, body }, 201)).id;
  }

  placeOrder(token, total, paymentToken, idempotencyKey) {
    return this.request('POST', '/api/orders', {
      token,
      body: { total, paymentToken },
      headers: { 'idempotency-key': idempotencyKey },
    });
  }
}

/** The answers a frontend retries with the same Idempotency-Key: the request may not have run. */
export function isRetryable(status) {
  return status >= 500 || status === 429 || status === 408;
}

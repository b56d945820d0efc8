// Driver (b): straight at the orchestrator's start route (POST /sagas/place-order, with the
// customer's token: every service verifies it), to tell the gateway's HTTP cost from the saga's.
// The end is read from the saga rows by one batched query for all sagas in flight, so following
// a saga adds no HTTP work to the orchestrator.
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { epochNow, withTimeout } from '../closed-loop.mjs';
import { requestJson } from '../http-client.mjs';
import { ORDER_TOTAL, orderFor, TERMINAL_STATUSES } from './order-paths.mjs';
import { ORCHESTRATOR_URL } from './system.mjs';

const SAGA_TIMEOUT_MS = 120_000;

export function orchestratorDriver(customers, watcher) {
  return async function placeOrder(slot, path) {
    const { customer, paymentToken } = orderFor(customers, path, slot);
    const startedAt = epochNow();
    let acceptedAt;
    let sagaId;
    try {
      const answer = await requestJson(`${ORCHESTRATOR_URL}/sagas/place-order`, {
        method: 'POST',
        headers: { authorization: `Bearer ${customer.token}` },
        body: {
          customerId: customer.id,
          total: ORDER_TOTAL,
          paymentToken,
          idempotencyKey: randomUUID(),
        },
      });
      acceptedAt = epochNow();
      if (answer.status !== 202)
        throw new Error(`POST /sagas/place-order answered ${answer.status}`);
      sagaId = answer.body.sagaId;
      const status = await withTimeout(watcher.ended(sagaId), SAGA_TIMEOUT_MS, `saga ${sagaId}`);
      return { path, sagaId, startedAt, acceptedAt, endedAt: epochNow(), status };
    } catch (error) {
      const failure = sagaId ? `saga ${sagaId}: ${error.message}` : error.message;
      return { path, sagaId, startedAt, acceptedAt, endedAt: epochNow(), error: failure };
    }
  };
}

/** Tells when sagas reach a terminal status, polling their rows together every `intervalMs`. */
export class SagaWatcher {
  constructor(client, intervalMs = 20) {
    this.client = client;
    this.intervalMs = intervalMs;
    this.waiting = new Map();
    this.running = true;
    this.loop = this.poll();
  }

  ended(sagaId) {
    return new Promise((resolve) => this.waiting.set(sagaId, resolve));
  }

  async poll() {
    while (this.running) {
      if (this.waiting.size > 0) await this.resolveEnded();
      await sleep(this.intervalMs);
    }
  }

  async resolveEnded() {
    try {
      const { rows } = await this.client.query(
        `SELECT id, status FROM orchestrator.saga_instances
          WHERE id = ANY($1::uuid[]) AND status = ANY($2)`,
        [[...this.waiting.keys()], TERMINAL_STATUSES],
      );
      for (const { id, status } of rows) {
        this.waiting.get(id)?.(status);
        this.waiting.delete(id);
      }
    } catch (error) {
      // The next poll tries again; a saga never seen ending fails on its own timeout.
      console.error(`bench: reading saga statuses failed: ${error.message}`);
    }
  }

  async close() {
    this.running = false;
    await this.loop;
  }
}

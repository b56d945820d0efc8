// Driver (a): as a client would, through the gateway. POST /api/orders, then the saga's event
// stream (GET /api/sagas/:id/events) until an event carries a terminal status.
import { randomUUID } from 'node:crypto';
import { epochNow, withTimeout } from '../closed-loop.mjs';
import { followEvents, requestJson } from '../http-client.mjs';
import { isTerminal, ORDER_TOTAL, orderFor } from './order-paths.mjs';
import { GATEWAY_URL } from './system.mjs';

const SAGA_TIMEOUT_MS = 120_000;

export function gatewayDriver(customers) {
  return async function placeOrder(slot, path) {
    const { customer, paymentToken } = orderFor(customers, path, slot);
    const authorization = `Bearer ${customer.token}`;
    const startedAt = epochNow();
    let acceptedAt;
    let sagaId;
    try {
      const answer = await requestJson(`${GATEWAY_URL}/api/orders`, {
        method: 'POST',
        headers: { authorization, 'idempotency-key': randomUUID() },
        body: { total: ORDER_TOTAL, paymentToken },
      });
      acceptedAt = epochNow();
      if (answer.status !== 202) throw new Error(`POST /api/orders answered ${answer.status}`);
      sagaId = answer.body.sagaId;
      const last = await withTimeout(
        followEvents(`${GATEWAY_URL}/api/sagas/${sagaId}/events`, { authorization }, (event) =>
          isTerminal(event.status),
        ),
        SAGA_TIMEOUT_MS,
        `saga ${sagaId}`,
      );
      if (last)
        return { path, sagaId, startedAt, acceptedAt, endedAt: epochNow(), status: last.status };
      // The stream may end without the event of the last transition (the orchestrator reads the
      // timeline and the status in two queries): the saga's own route tells how it ended.
      const saga = await requestJson(`${GATEWAY_URL}/api/sagas/${sagaId}`, {
        headers: { authorization },
      });
      if (!isTerminal(saga.body?.status)) {
        throw new Error(`the event stream ended at status ${saga.body?.status ?? saga.status}`);
      }
      const endedAt = epochNow();
      return {
        path,
        sagaId,
        startedAt,
        acceptedAt,
        endedAt,
        status: saga.body.status,
        streamEndedEarly: true,
      };
    } catch (error) {
      const failure = sagaId ? `saga ${sagaId}: ${error.message}` : error.message;
      return { path, sagaId, startedAt, acceptedAt, endedAt: epochNow(), error: failure };
    }
  };
}

// What the gateway adds to one request (the target: ≤ 1 ms at the p50). The same read of
// one order, straight at the order service and through the gateway, one request at a time, in
// alternating rounds so that the machine's drift falls on both alike; and the gateway's liveness
// probe, which goes to nothing behind it: the door's own cost. CPU per request comes from /proc
// over each loop.
import { performance } from 'node:perf_hooks';
import { requestJson } from '../http-client.mjs';
import { cpuSecondsOf } from '../process-stats.mjs';
import { quantile, round } from '../stats.mjs';
import { GATEWAY_URL } from './system.mjs';

/** The order a proxied read asks for: one the customer placed through the gateway first. */
async function placedOrder(placeOrder, customer) {
  const placed = await placeOrder(0, 'approve');
  if (placed.error) throw new Error(`placing the order to read failed: ${placed.error}`);
  const saga = await requestJson(`${GATEWAY_URL}/api/sagas/${placed.sagaId}`, {
    headers: { authorization: `Bearer ${customer.token}` },
  });
  const orderId = saga.body?.orderId;
  if (saga.status !== 200 || typeof orderId !== 'string') {
    throw new Error(`GET /api/sagas/${placed.sagaId} answered ${saga.status} without an orderId`);
  }
  return orderId;
}

/** `requests` reads of `url` one after another: latency percentiles and CPU per request. */
async function loop(url, headers, requests, pids) {
  const cpuBefore = Object.fromEntries(
    Object.entries(pids).map(([n, pid]) => [n, cpuSecondsOf(pid)]),
  );
  const latencies = [];
  for (let i = 0; i < requests; i += 1) {
    const startedAt = performance.now();
    const answer = await requestJson(url, { headers });
    latencies.push(performance.now() - startedAt);
    if (answer.status !== 200) throw new Error(`GET ${url} answered ${answer.status}`);
  }
  const cpuMsPerRequest = Object.fromEntries(
    Object.entries(pids).map(([name, pid]) => {
      const [before, after] = [cpuBefore[name], cpuSecondsOf(pid)];
      const used = before === undefined || after === undefined ? null : after - before;
      return [name, used === null ? null : round((used * 1000) / requests, 3)];
    }),
  );
  // To the hundredth of a millisecond: the target is 1 ms, the differences a fraction of it.
  latencies.sort((a, b) => a - b);
  const at = (q) => round(quantile(latencies, q), 2);
  return { latencyMs: { p50: at(0.5), p95: at(0.95), p99: at(0.99) }, cpuMsPerRequest };
}

/**
 * Rounds of three loops each: the gateway's liveness probe, the read straight at the order
 * service, the same read through the gateway; each after a warm-up of a tenth of its requests.
 * `addedP50Ms` is the median over the rounds of (through the gateway − straight) at the p50.
 */
export async function measureProxyCost({ apps, customer, placeOrder, requests, rounds }) {
  const orderId = await placedOrder(placeOrder, customer);
  const urlOf = (name) => apps.find((app) => app.name === name).url;
  const pids = Object.fromEntries(
    ['gateway', 'order'].map((name) => [name, apps.find((app) => app.name === name).pid]),
  );
  const authorization = { authorization: `Bearer ${customer.token}` };
  const reads = {
    door: [`${GATEWAY_URL}/health/live`, {}],
    straight: [`${urlOf('order')}/orders/${orderId}`, authorization],
    gateway: [`${GATEWAY_URL}/api/orders/${orderId}`, authorization],
  };
  const measured = [];
  for (let round = 0; round < rounds; round += 1) {
    const result = {};
    for (const [name, [url, headers]] of Object.entries(reads)) {
      await loop(url, headers, Math.max(1, Math.round(requests / 10)), pids);
      result[name] = await loop(url, headers, requests, pids);
    }
    measured.push(result);
  }
  const p50 = (round, name) => round[name].latencyMs.p50;
  return {
    requests,
    rounds: measured,
    // The median round (stats' nearest rank: the lower middle of an even count).
    addedP50Ms: round(
      quantile(
        measured.map((r) => p50(r, 'gateway') - p50(r, 'straight')).sort((a, b) => a - b),
        0.5,
      ),
      2,
    ),
  };
}

import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { credit, order, payment, type CommandDefinition } from '@app/contracts';
import type { SpanRecord } from '@app/tracing';
import { ApiClient, type Money } from './support/api-client.js';
import type { RunningApp } from './support/app-process.js';
import { eventually } from './support/eventually.js';
import { GATEWAY_URL, SYSTEM, startSystem, stopSystem } from './support/system.js';

const api = new ApiClient(GATEWAY_URL);
const eur = (amount: number): Money => ({ amount, currency: 'EUR' });
const dir = mkdtempSync(path.join(tmpdir(), 'sagaflow-spans-'));
/** Every app appends its spans here, one JSON object per line (the test-only file exporter). */
const SPANS = path.join(dir, 'spans.jsonl');

function spansOf(traceId: string): SpanRecord[] {
  if (!existsSync(SPANS)) return [];
  return readFileSync(SPANS, 'utf8')
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => JSON.parse(line) as SpanRecord)
    .filter((span) => span.traceId === traceId);
}

/** A caller's trace context, so the test knows the trace id and the gateway's expected parent. */
function aCallerTrace() {
  const traceId = randomBytes(16).toString('hex');
  const spanId = randomBytes(8).toString('hex');
  return { traceId, spanId, traceparent: `00-${traceId}-${spanId}-01` };
}

/** The consumer spans hop by hop: each one the child of the one before, as `service: name`. */
function consumerChainFrom(start: SpanRecord, spans: SpanRecord[]): string[] {
  const chain: string[] = [];
  for (let parent = start; ;) {
    const next = spans
      .filter((span) => span.kind === 'CONSUMER' && span.parentSpanId === parent.spanId)
      .sort((a, b) => a.startTimeMs - b.startTimeMs)[0];
    if (!next) return chain;
    chain.push(`${next.service}: ${next.name}`);
    parent = next;
  }
}

/** A command handled by its participant, then its reply handled by the orchestrator. */
function hopsOf(command: CommandDefinition): string[] {
  const participant = command.type.split('.')[0];
  return [
    `${participant}: process ${command.type}`,
    `saga-orchestrator: process ${command.reply.type}`,
  ];
}

async function orchestratorMetrics(): Promise<string> {
  const { port } = SYSTEM.find((app) => app.name === 'saga-orchestrator')!;
  return (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
}

function one(spans: SpanRecord[], what: string, match: (span: SpanRecord) => boolean): SpanRecord {
  const found = spans.filter(match);
  if (found.length !== 1) {
    const seen = spans.map((span) => `${span.service} ${span.kind} ${span.name}`).join('\n');
    throw new Error(`expected one ${what}, found ${found.length} among:\n${seen}`);
  }
  return found[0];
}

describe('tracing across the system (OTEL_TRACES_EXPORTER=file)', () => {
  let apps: RunningApp[];
  let admin: string;

  beforeAll(async () => {
    apps = await startSystem({ OTEL_TRACES_EXPORTER: 'file', OTEL_TRACES_FILE: SPANS });
    admin = await api.token('admin');
  }, 90_000);

  afterAll(async () => {
    await stopSystem(apps);
    rmSync(dir, { recursive: true, force: true });
  });

  async function aCustomer() {
    const customerId = await api.createCustomer(admin, eur(10_000));
    return api.token('customer', customerId);
  }

  async function placeOrder(token: string, paymentToken: string, traceparent: string) {
    const placed = await api.request<{ sagaId: string }>('POST', '/api/orders', {
      token,
      body: { total: eur(2_500), paymentToken },
      headers: { 'idempotency-key': randomBytes(8).toString('hex'), traceparent },
    });
    expect(placed.status).toBe(202);
    return placed.body.sagaId;
  }

  it('follows one saga through all five processes, each hop a child of the one before', async () => {
    const token = await aCustomer();
    const caller = aCallerTrace();
    const sagaId = await placeOrder(token, 'tok_approve', caller.traceparent);
    expect((await api.settledSaga(token, sagaId)).status).toBe('COMPLETED');

    const expected = [
      order.CreatePendingOrder,
      credit.ReserveCredit,
      payment.ChargePayment,
      order.ApproveOrder,
    ].flatMap(hopsOf);
    let spans: SpanRecord[] = [];
    let started: SpanRecord | undefined;
    // Spans are written as they end: the last reply's ends just after the saga reads COMPLETED.
    // Past the wait, the assertions below say which span is missing.
    await eventually(() => {
      spans = spansOf(caller.traceId);
      started = spans.find((span) => span.name === 'POST /sagas/place-order');
      return started !== undefined && consumerChainFrom(started, spans).length >= expected.length;
    }, 20_000).catch(() => undefined);

    // The gateway's server span continues the caller's trace; its fetch to the orchestrator is a
    // client span under it; the orchestrator's server span is under that.
    const gateway = one(
      spans,
      'gateway server span',
      (span) => span.service === 'gateway' && span.kind === 'SERVER',
    );
    expect(gateway).toMatchObject({
      service: 'gateway',
      name: 'POST /api/orders',
      parentSpanId: caller.spanId,
    });
    const call = one(
      spans,
      'gateway client span',
      (span) => span.kind === 'CLIENT' && span.parentSpanId === gateway.spanId,
    );
    expect(call.service).toBe('gateway');
    const orchestrator = one(spans, 'orchestrator server span', (span) => span === started);
    expect(orchestrator).toMatchObject({
      service: 'saga-orchestrator',
      kind: 'SERVER',
      parentSpanId: call.spanId,
    });

    // Then command, reply, command, reply...: each consumer span is the child of the span that
    // sent its message.
    expect(consumerChainFrom(orchestrator, spans)).toEqual(expected);
    expect(new Set(spans.map((span) => span.service))).toEqual(
      new Set(SYSTEM.map((app) => app.name)),
    );

    // The outbox relay's publish of the first command, from the span that wrote it.
    expect(spans).toContainEqual(
      expect.objectContaining({
        service: 'saga-orchestrator',
        kind: 'PRODUCER',
        name: `publish ${order.CreatePendingOrder.type}`,
        parentSpanId: orchestrator.spanId,
      }),
    );
    // pg is instrumented under the bundle: every data-owning app's queries are in the trace.
    const queried = spans
      .filter((span) => span.scope === '@opentelemetry/instrumentation-pg')
      .map((span) => span.service);
    expect(new Set(queried)).toEqual(new Set(['saga-orchestrator', 'order', 'credit', 'payment']));
    expect(await orchestratorMetrics()).toMatch(
      /sagaflow_saga_step_duration_seconds_count\{saga_type="place-order",step="charge payment",direction="forward",outcome="succeeded"\} [1-9]/,
    );
  }, 60_000);

  it('keeps a saga in its trace when the deadline scanner re-sends and compensates', async () => {
    const token = await aCustomer();
    const caller = aCallerTrace();
    // The charge answers after its deadline twice over: re-sent, then undone by the scanner.
    const sagaId = await placeOrder(token, 'tok_slow', caller.traceparent);
    expect((await api.settledSaga(token, sagaId)).status).toBe('COMPENSATED');

    let spans: SpanRecord[] = [];
    await eventually(() => {
      spans = spansOf(caller.traceId);
      return spans.some((span) => span.name === `process ${order.RejectOrder.reply.type}`);
    }, 30_000).catch(() => undefined);

    const started = one(spans, 'orchestrator server span', (span) => {
      return span.service === 'saga-orchestrator' && span.kind === 'SERVER';
    });
    const deadlines = spans.filter((span) => span.name === 'saga deadline');
    expect(deadlines.length).toBeGreaterThanOrEqual(2);
    for (const deadline of deadlines) expect(deadline.parentSpanId).toBe(started.spanId);

    // The re-sent charge hangs under the deadline that re-sent it (the participant skips it as a
    // duplicate); the cancel under the one that gave up, and with it the compensations it led to,
    // newest first.
    const sentByDeadlines = deadlines.map((deadline) => consumerChainFrom(deadline, spans));
    expect(sentByDeadlines).toContainEqual([`payment: process ${payment.ChargePayment.type}`]);
    expect(sentByDeadlines).toContainEqual([
      ...hopsOf(payment.CancelPayment),
      ...hopsOf(credit.ReleaseCredit),
      ...hopsOf(order.RejectOrder),
    ]);
    expect(consumerChainFrom(started, spans).slice(0, 4)).toEqual(
      [order.CreatePendingOrder, credit.ReserveCredit].flatMap(hopsOf),
    );
    expect(await orchestratorMetrics()).toMatch(
      /sagaflow_sagas\{saga_type="place-order",status="COMPENSATED"\} [1-9]/,
    );
  }, 60_000);
});

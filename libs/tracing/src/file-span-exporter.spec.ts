import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from '@jest/globals';
import { context, SpanKind, trace } from '@opentelemetry/api';
import { resources } from '@opentelemetry/sdk-node';
import { SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { FileSpanExporter, type SpanRecord } from './file-span-exporter.js';

describe(FileSpanExporter.name, () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'spans-'));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes each finished span as one JSON line, with its parent and service', async () => {
    const file = path.join(dir, 'spans.jsonl');
    const provider = new TracerProvider({
      resource: resources.resourceFromAttributes({ 'service.name': 'credit' }),
      spanProcessors: [new SimpleSpanProcessor({ exporter: new FileSpanExporter(file) })],
    });
    const tracer = provider.getTracer('test');
    const parent = tracer.startSpan('process credit.reserve-credit', { kind: SpanKind.CONSUMER });
    const child = tracer.startSpan(
      'pg.query:INSERT',
      { attributes: { 'db.system': 'postgresql' } },
      trace.setSpan(context.active(), parent),
    );
    child.end();
    parent.end();
    await provider.forceFlush();

    const [first, second] = readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as SpanRecord);
    expect(first).toMatchObject({
      name: 'pg.query:INSERT',
      kind: 'INTERNAL',
      service: 'credit',
      scope: 'test',
      traceId: parent.spanContext().traceId,
      parentSpanId: parent.spanContext().spanId,
      attributes: { 'db.system': 'postgresql' },
    });
    expect(second).toMatchObject({ name: 'process credit.reserve-credit', kind: 'CONSUMER' });
    expect(second.parentSpanId).toBeUndefined();
    await provider.shutdown();
  });
});

import { appendFileSync } from 'node:fs';
import { SpanKind } from '@opentelemetry/api';
import { core } from '@opentelemetry/sdk-node';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace';

/** One finished span as the file exporter writes it: one JSON object per line. */
export interface SpanRecord {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: keyof typeof SpanKind;
  service: string;
  scope: string;
  startTimeMs: number;
  durationMs: number;
  status: { code: number; message?: string };
  attributes: Record<string, unknown>;
}

/**
 * Appends every finished span to a file, for system tests that read the spans of several
 * processes back. Test-only (refused in production): writes synchronously, one line per span.
 */
export class FileSpanExporter implements SpanExporter {
  constructor(private readonly path: string) {}

  export(spans: ReadableSpan[], done: (result: core.ExportResult) => void): void {
    try {
      appendFileSync(
        this.path,
        spans.map((span) => `${JSON.stringify(recordOf(span))}\n`).join(''),
      );
      done({ code: core.ExportResultCode.SUCCESS });
    } catch (error) {
      done({ code: core.ExportResultCode.FAILED, error: error as Error });
    }
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

export function recordOf(span: ReadableSpan): SpanRecord {
  const { traceId, spanId } = span.spanContext();
  return {
    traceId,
    spanId,
    ...(span.parentSpanContext ? { parentSpanId: span.parentSpanContext.spanId } : {}),
    name: span.name,
    kind: SpanKind[span.kind] as keyof typeof SpanKind,
    service: String(span.resource.attributes['service.name']),
    scope: span.instrumentationScope.name,
    startTimeMs: core.hrTimeToMilliseconds(span.startTime),
    durationMs: core.hrTimeToMilliseconds(span.duration),
    status: span.status,
    attributes: { ...span.attributes },
  };
}

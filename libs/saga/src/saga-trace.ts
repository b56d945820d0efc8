import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { continuingTrace, parseTraceparent } from '@app/messaging';
import type { SagaRecord } from './saga-record.js';

const tracer = trace.getTracer('sagaflow-saga');

/**
 * Runs what a saga does on its own later (a deadline passed: re-send, retry, compensate) in a span
 * of the trace the saga started in, so the commands it sends continue that trace rather than
 * start a new one. With tracing off the span is a no-op and no context propagates, but the
 * commands still carry the saga's trace id. A saga stored without a traceparent (older rows)
 * starts a new trace.
 */
export function inSagaTrace<T>(
  record: SagaRecord,
  what: { event: string; step: string },
  work: () => Promise<T>,
): Promise<T> {
  const parent = record.traceparent ? parseTraceparent(record.traceparent) : undefined;
  const context = parent ? trace.setSpanContext(ROOT_CONTEXT, parent) : ROOT_CONTEXT;
  const attributes = {
    'saga.id': record.id,
    'saga.type': record.sagaType,
    'saga.step': what.step,
    'saga.direction': record.direction,
  };
  return tracer.startActiveSpan(
    `saga ${what.event}`,
    { kind: SpanKind.INTERNAL, attributes },
    context,
    async (span) => {
      try {
        return await continuingTrace(record.traceparent, work);
      } catch (error) {
        span.recordException(error as Error);
        span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
        throw error;
      } finally {
        span.end();
      }
    },
  );
}

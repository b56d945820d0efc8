import { trace, TraceFlags, type SpanContext } from '@opentelemetry/api';
import { newSpanId, newTraceId } from '@app/tracing';

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

/** The span context of a W3C `traceparent`, or undefined when it is malformed. */
export function parseTraceparent(value: string | undefined): SpanContext | undefined {
  const match = value ? TRACEPARENT.exec(value) : null;
  if (!match) return undefined;
  const context = {
    traceId: match[1],
    spanId: match[2],
    traceFlags: parseInt(match[3], 16),
    isRemote: true,
  };
  return trace.isSpanContextValid(context) ? context : undefined;
}

export function formatTraceparent(
  context: Pick<SpanContext, 'traceId' | 'spanId' | 'traceFlags'>,
): string {
  const flags = context.traceFlags.toString(16).padStart(2, '0');
  return `00-${context.traceId}-${context.spanId}-${flags}`;
}

/**
 * The `traceparent` of an outgoing message: the active span when a tracer is plugged in, else a
 * new hop of the trace being handled, else a new trace.
 */
export function outgoingTraceparent(
  active: SpanContext | undefined,
  handled: string | undefined,
): string {
  if (active && trace.isSpanContextValid(active) && !active.isRemote)
    return formatTraceparent(active);
  const parent =
    parseTraceparent(handled) ?? (active && trace.isSpanContextValid(active) ? active : undefined);
  return formatTraceparent({
    traceId: parent?.traceId ?? newTraceId(),
    spanId: newSpanId(),
    traceFlags: parent?.traceFlags ?? TraceFlags.SAMPLED,
  });
}

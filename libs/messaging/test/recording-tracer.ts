import { AsyncLocalStorage } from 'node:async_hooks';
import { randomBytes } from 'node:crypto';
import {
  context,
  ROOT_CONTEXT,
  trace,
  type Context,
  type ContextManager,
  type Span,
  type SpanContext,
  type SpanKind,
  type SpanOptions,
  type SpanStatus,
  type Tracer,
  type TracerProvider,
} from '@opentelemetry/api';

/** A span as the recording tracer saw it. */
export interface RecordedSpan {
  name: string;
  kind: SpanKind | undefined;
  traceId: string;
  spanId: string;
  parentSpanId: string | undefined;
  status: SpanStatus | undefined;
  ended: boolean;
}

/**
 * The smallest tracer that behaves like an SDK's, through the OpenTelemetry API only: spans
 * with ids of their own, children of the active (or given) context, and a context manager on
 * AsyncLocalStorage so the active span follows async work.
 */
export class RecordingTracer implements TracerProvider, Tracer {
  readonly spans: RecordedSpan[] = [];
  private readonly storage = new AsyncLocalStorage<Context>();

  /** Registers this tracer and its context manager globally; `uninstall` undoes it. */
  install(): void {
    const storage = this.storage;
    const manager: ContextManager = {
      active: () => storage.getStore() ?? ROOT_CONTEXT,
      with: (ctx, fn, thisArg, ...args) => storage.run(ctx, () => fn.call(thisArg, ...args)),
      bind: (_ctx, target) => target,
      enable: () => manager,
      disable: () => manager,
    };
    context.setGlobalContextManager(manager);
    trace.setGlobalTracerProvider(this);
  }

  uninstall(): void {
    trace.disable();
    context.disable();
  }

  getTracer(): Tracer {
    return this;
  }

  startSpan(name: string, options: SpanOptions = {}, parentContext = context.active()): Span {
    const parent = trace.getSpanContext(parentContext);
    const recorded: RecordedSpan = {
      name,
      kind: options.kind,
      traceId: parent?.traceId ?? randomBytes(16).toString('hex'),
      spanId: randomBytes(8).toString('hex'),
      parentSpanId: parent?.spanId,
      status: undefined,
      ended: false,
    };
    this.spans.push(recorded);
    const spanContext: SpanContext = {
      traceId: recorded.traceId,
      spanId: recorded.spanId,
      traceFlags: parent?.traceFlags ?? 1,
      isRemote: false,
    };
    const span: Span = {
      spanContext: () => spanContext,
      setAttribute: () => span,
      setAttributes: () => span,
      addEvent: () => span,
      addLink: () => span,
      addLinks: () => span,
      setStatus: (status) => {
        recorded.status = status;
        return span;
      },
      updateName: () => span,
      end: () => {
        recorded.ended = true;
      },
      isRecording: () => !recorded.ended,
      recordException: () => undefined,
    };
    return span;
  }

  startActiveSpan<F extends (span: Span) => unknown>(
    name: string,
    ...rest: [F] | [SpanOptions, F] | [SpanOptions, Context, F]
  ): ReturnType<F> {
    const fn = rest[rest.length - 1] as (span: Span) => ReturnType<F>;
    const options = rest.length > 1 ? (rest[0] as SpanOptions) : {};
    const parentContext = rest.length > 2 ? (rest[1] as Context) : context.active();
    const span = this.startSpan(name, options, parentContext);
    return context.with(trace.setSpan(parentContext, span), fn, undefined, span);
  }
}

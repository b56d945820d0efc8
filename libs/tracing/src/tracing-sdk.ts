import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { SimpleSpanProcessor } from '@opentelemetry/sdk-trace';
import type { TracingSettings } from '@app/config';
import { FileSpanExporter } from './file-span-exporter.js';

/** Probes and scrapes arrive every few seconds: a trace each would drown the real ones. */
const ROUTINE = /^\/(health\/|metrics(\?|$))/;

/**
 * The SDK with the instrumentations that fit our stack, loaded only when tracing is on:
 * - http: a SERVER span per request, named by its route pattern (`POST /api/orders`, see
 *   `nameServerSpan`);
 * - undici: a CLIENT span per undici request (the gateway's calls to the apps) or `fetch`, which
 *   also writes the outgoing `traceparent`; only under a parent, so health checks and lease
 *   renewals stay quiet;
 * - pg: a span per query, only under a parent, so the outbox relay's and the deadline scanner's
 *   polls start no trace of their own.
 * AMQP spans are our own (relay publish, transport consume): amqplib's instrumentation would
 * overwrite the envelope's `traceparent` header and add a consumer span of its own.
 * Only traces: metrics are prom-client's (`/metrics`), logs pino's.
 */
export function createTracingSdk(settings: TracingSettings): NodeSDK {
  return new NodeSDK({
    serviceName: settings.serviceName,
    // Unset for OTLP: the SDK builds the exporter from the standard OTEL_EXPORTER_OTLP_* variables.
    ...(settings.exporter === 'file'
      ? {
          spanProcessors: [
            new SimpleSpanProcessor({ exporter: new FileSpanExporter(settings.file) }),
          ],
        }
      : {}),
    metricReaders: [],
    logRecordProcessors: [],
    instrumentations: [
      new HttpInstrumentation({
        ignoreIncomingRequestHook: (request) => ROUTINE.test(request.url ?? ''),
      }),
      new UndiciInstrumentation({ requireParentforSpans: true }),
      new PgInstrumentation({ requireParentSpan: true }),
    ],
  });
}

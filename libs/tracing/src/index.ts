export type { SpanRecord } from './file-span-exporter.js';
export { launch, type AppEntry } from './launch.js';
export { isTracing, nameServerSpan, startTracing, stopTracing } from './tracing.js';
export { newSpanId, newTraceId } from './trace-ids.js';

import { trace } from '@opentelemetry/api';
import type { TracingSettings } from '@app/config';

interface RunningSdk {
  shutdown(): Promise<void>;
}

/** Longest wait for the last spans to leave at shutdown; an unreachable collector must not hold it. */
const SHUTDOWN_TIMEOUT_MS = 5000;

let sdk: RunningSdk | undefined;

/**
 * Starts OpenTelemetry when the settings ask for it. Off (undefined), nothing is loaded: no SDK,
 * no exporter, no patched module, and the API's spans are no-ops. Call it before the app's
 * modules load (see `launch`): the instrumentations patch pg and http as they load.
 */
export async function startTracing(settings: TracingSettings | undefined): Promise<void> {
  if (!settings || sdk) return;
  const { createTracingSdk } = await import('./tracing-sdk.js');
  const started = createTracingSdk(settings);
  started.start();
  sdk = started;
}

/** Whether spans are being recorded and exported in this process. */
export function isTracing(): boolean {
  return sdk !== undefined;
}

/** Flushes the spans still buffered and stops the SDK; a no-op when tracing is off. */
export async function stopTracing(): Promise<void> {
  const running = sdk;
  sdk = undefined;
  if (!running) return;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, SHUTDOWN_TIMEOUT_MS);
    timer.unref();
  });
  await Promise.race([running.shutdown().catch(() => undefined), timeout]);
  clearTimeout(timer);
}

/**
 * Names the current request's SERVER span by the route it matched (`POST /api/orders/:id`): one
 * name per route, not per id. Called by the HTTP server as routing ends; with tracing off there
 * is no span and nothing happens.
 */
export function nameServerSpan(method: string, route: string): void {
  if (!sdk) return;
  const span = trace.getActiveSpan();
  span?.setAttribute('http.route', route);
  span?.updateName(`${method} ${route}`);
}

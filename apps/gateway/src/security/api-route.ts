import type { IncomingMessage } from 'node:http';

const API_ROUTE = /^\/api(\/|$)/i;

/**
 * Whether the request reached an `/api` route. Reads the route pattern Express matched, so `/API/x`
 * or `/api/./x` cannot dodge a check that applies to `/api` only.
 */
export function isApiRoute(request: IncomingMessage): boolean {
  const { route } = request as IncomingMessage & { route?: { path?: unknown } };
  return API_ROUTE.test(typeof route?.path === 'string' ? route.path : (request.url ?? ''));
}

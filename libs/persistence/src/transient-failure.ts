/**
 * Why a delivery failed when the failure says nothing about the message: the database was busy,
 * contended or restarting, and the same work succeeds later. Such a failure is retried without
 * counting an attempt, so load and lock contention slow an app down instead of dead-lettering
 * its messages. Everything else (a handler's bug, a check that refuses) counts toward
 * `retry.maxAttempts`.
 */
export type TransientFailure = 'pool-busy' | 'lock-timeout' | 'conflict' | 'unavailable';

/** SQLSTATEs (PostgreSQL appendix A) whose statement succeeds when tried again later. */
const TRANSIENT_SQLSTATES: Record<string, TransientFailure> = {
  '55P03': 'lock-timeout', // lock_not_available: `lock_timeout` ended a lock wait
  '40001': 'conflict', // serialization_failure
  '40P01': 'conflict', // deadlock_detected: PostgreSQL aborted one of the two
  '57P01': 'unavailable', // admin_shutdown
  '57P02': 'unavailable', // crash_shutdown
  '57P03': 'unavailable', // cannot_connect_now: starting up or in recovery
  '53300': 'unavailable', // too_many_connections
};

/** Socket errors of a database (or broker) that is down or restarting. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
]);

/**
 * What pg and pg-pool throw without a code: a pool whose connections are all taken
 * (`connectionTimeoutMillis` passed), and a connection lost under a query.
 */
const DRIVER_MESSAGES: [string, TransientFailure][] = [
  ['timeout exceeded when trying to connect', 'pool-busy'],
  ['Connection terminated', 'unavailable'],
  ['Client has encountered a connection error and is not queryable', 'unavailable'],
];

/** How deep to follow `driverError` (TypeORM) and `cause` (wrapping errors). */
const MAX_DEPTH = 5;

/** The transient failure behind `error`, or undefined when it may be the message's fault. */
export function transientFailureOf(error: unknown, depth = 0): TransientFailure | undefined {
  if (typeof error !== 'object' || error === null || depth > MAX_DEPTH) return undefined;
  const { code, message, driverError, cause } = error as {
    code?: unknown;
    message?: unknown;
    driverError?: unknown;
    cause?: unknown;
  };
  if (typeof code === 'string') {
    if (code in TRANSIENT_SQLSTATES) return TRANSIENT_SQLSTATES[code];
    // Class 08, connection exception: the connection broke, not the statement.
    if (/^08[0-9A-Z]{3}$/.test(code) || NETWORK_CODES.has(code)) return 'unavailable';
  }
  if (typeof message === 'string') {
    const known = DRIVER_MESSAGES.find(([start]) => message.startsWith(start));
    if (known) return known[1];
  }
  return transientFailureOf(driverError, depth + 1) ?? transientFailureOf(cause, depth + 1);
}

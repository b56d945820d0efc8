// The place-order paths the bench drives: the happy path and the two business failures.
export const TERMINAL_STATUSES = ['COMPLETED', 'COMPENSATED', 'FAILED'];
export const isTerminal = (status) => TERMINAL_STATUSES.includes(status);

/** One euro: small enough that the customers' credit never runs out. */
export const ORDER_TOTAL = { amount: 100, currency: 'EUR' };

/** Which customers a path orders for, and with which payment test token. */
const PATHS = {
  approve: { customers: 'withCredit', paymentToken: 'tok_approve' },
  decline: { customers: 'withCredit', paymentToken: 'tok_decline' },
  'insufficient-credit': { customers: 'withoutCredit', paymentToken: 'tok_approve' },
};
export const PATH_NAMES = Object.keys(PATHS);

/** The order a worker slot places on `path`: its own customer, so one saga in flight each. */
export function orderFor(customers, path, slot) {
  const { customers: kind, paymentToken } = PATHS[path];
  const pool = customers[kind];
  return { customer: pool[slot % pool.length], paymentToken };
}

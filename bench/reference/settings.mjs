// What the reference saga's processes share: where its rows and queues live, and its sizes.
export const DATABASE = 'sagaflow_bench_reference';
export const ROLES = ['order', 'credit', 'payment'];
export const ACCOUNTS = 10_000;
export const POOL_MAX = 8;
export const PREFETCH = 256;
export const SAGA_TABLE = 'orchestrator.saga';
export const SAGA_STATUSES = ['COMPLETED', 'FAILED'];
/** `order` is a reserved word in SQL. */
export const schemaOf = (role) => `${role}_participant`;

export const commandQueue = (namespace, role) => `${namespace}${role}.commands`;
export const replyQueue = (namespace) => `${namespace}orchestrator.replies`;
/** Quorum queues, as Sagaflow declares them. */
export const QUEUE_OPTIONS = { durable: true, arguments: { 'x-queue-type': 'quorum' } };

/**
 * Where the chaos system runs: two instances of every app but the gateway, each behind its own
 * pair of proxies (to PostgreSQL and to RabbitMQ), on ports (45xx-47xx) away from `npm start`
 * (30xx), the e2e suites (41xx) and the bench (4400), in its own database and AMQP namespace.
 */
export const DATABASE = 'sagaflow_chaos';
export const NAMESPACE = 'chaos.';
export const POSTGRES = { host: '127.0.0.1', port: 5432 };
export const RABBITMQ = { host: '127.0.0.1', port: 5672 };
export const AMQP_ADMIN_URL = 'amqp://guest:guest@127.0.0.1:5672';
export const POSTGRES_ADMIN_URL = `postgres://postgres@127.0.0.1:5432/${DATABASE}`;
export const JWT_SECRET = 'sagaflow-chaos-harness-dev-token-secret-0123456789';
export const INSTANCES_PER_SERVICE = 2;

/**
 * Timeouts short, so a run settles quickly: the e2e suites' (test/support/system.ts), except the
 * charge's. A charge that meets a fault settles in 2-4 s (a takeover after its instance died waits
 * out the 1.5 s lease; a flaky provider call is retried 250 ms then 500 ms later, on each instance
 * anew), so the charge gets 3 s an attempt here (production: 10 s), and `tok_slow`'s 8 s still
 * outlasts both attempts.
 */
const SERVICES = [
  {
    app: 'saga-orchestrator',
    schema: 'orchestrator',
    role: 'sagaflow_orchestrator',
    port: 4510,
    env: {
      PLACE_ORDER_STEP_TIMEOUT_MS: '3000',
      PLACE_ORDER_PAYMENT_TIMEOUT_MS: '3000',
      PLACE_ORDER_PAYMENT_ATTEMPTS: '2',
      SAGA_RETRY_INITIAL_DELAY_MS: '200',
      SAGA_RETRY_MAX_DELAY_MS: '2000',
      SAGA_DEADLINE_SCAN_INTERVAL_MS: '250',
    },
  },
  { app: 'order', schema: 'orders', role: 'sagaflow_order', port: 4520, env: {} },
  { app: 'credit', schema: 'credit', role: 'sagaflow_credit', port: 4530, env: {} },
  {
    app: 'payment',
    schema: 'payments',
    role: 'sagaflow_payment',
    port: 4540,
    env: {
      PAYMENT_SIMULATOR_SLOW_MS: '8000',
      // A settlement a killed instance left is taken over within 1.5 s, and a provider call is
      // given up (and asked again) after 1 s.
      PAYMENT_PROVIDER_TIMEOUT_MS: '1000',
      PAYMENT_SETTLE_LEASE_MS: '1500',
      PAYMENT_SETTLE_INTERVAL_MS: '250',
    },
  },
];

/** The gateway's variable naming each service's instances. */
const URL_VARIABLE = {
  'saga-orchestrator': 'SAGA_ORCHESTRATOR_URL',
  order: 'ORDER_URL',
  credit: 'CREDIT_URL',
  payment: 'PAYMENT_URL',
};

export const GATEWAY_PORT = 4500;
export const GATEWAY_URL = `http://127.0.0.1:${GATEWAY_PORT}`;

/** Every app instance (not the gateway) with its ports and its proxies' ports. */
export const INSTANCES = SERVICES.flatMap((service, s) =>
  Array.from({ length: INSTANCES_PER_SERVICE }, (_, i) => {
    const slot = s * 10 + i + 1;
    return {
      name: `${service.app}-${i + 1}`,
      ...service,
      port: service.port + i + 1,
      databaseProxyPort: 4600 + slot,
      brokerProxyPort: 4700 + slot,
      index: s * INSTANCES_PER_SERVICE + i,
    };
  }),
);

export const GATEWAY = { name: 'gateway', app: 'gateway', port: GATEWAY_PORT };

/** Every process the harness runs, gateway last (it is started after the others are ready). */
export const PROCESSES = [...INSTANCES, GATEWAY];

export const SCHEMAS = SERVICES.map((service) => service.schema);

const local = (port) => `http://127.0.0.1:${port}`;

/** What every process gets, whatever it is. */
function commonEnv(logLevel) {
  return {
    NODE_ENV: 'development',
    LOG_FORMAT: 'json',
    LOG_LEVEL: logLevel,
    SHUTDOWN_GRACE_MS: '300',
    AUTH_JWT_SECRET: JWT_SECRET,
  };
}

/** An app instance's environment: its database and broker through its own proxies. */
export function instanceEnv(instance, { logLevel, extra = {} }) {
  return {
    ...commonEnv(logLevel),
    ...instance.env,
    PORT: String(instance.port),
    DATABASE_URL: `postgres://${instance.role}@127.0.0.1:${instance.databaseProxyPort}/${DATABASE}`,
    AMQP_URL: `amqp://guest:guest@127.0.0.1:${instance.brokerProxyPort}`,
    AMQP_NAMESPACE: NAMESPACE,
    ...extra,
  };
}

/**
 * The gateway, with static discovery of both instances of each service and health checks,
 * ejections and circuit breakers quick enough to follow instances that die and come back.
 */
export function gatewayEnv({ logLevel }) {
  const urls = Object.fromEntries(
    Object.entries(URL_VARIABLE).map(([app, variable]) => [
      variable,
      INSTANCES.filter((instance) => instance.app === app)
        .map((instance) => local(instance.port))
        .join(','),
    ]),
  );
  return {
    ...commonEnv(logLevel),
    ...urls,
    PORT: String(GATEWAY_PORT),
    DISCOVERY_PROVIDER: 'static',
    DISCOVERY_HEALTH_INTERVAL_MS: '1000',
    DISCOVERY_EJECTION_BASE_MS: '2000',
    DISCOVERY_EJECTION_MAX_MS: '10000',
    UPSTREAM_BREAKER_HALF_OPEN_MS: '2000',
    // Every client calls from 127.0.0.1: one address, far more than one client's share.
    RATE_LIMIT_PER_MINUTE: '1000000',
  };
}

/** The broker's names of the namespace's queues, as libs/messaging's Topology declares them. */
export const WORK_QUEUES = [
  'order.commands',
  'credit.commands',
  'payment.commands',
  'saga-orchestrator.replies',
].map((logical) => `${NAMESPACE}${logical}`);
export const DEAD_LETTER_QUEUES = WORK_QUEUES.map((queue) => `${queue}.dead-letter`);
export const EXCHANGES = {
  commands: `${NAMESPACE}sagaflow.commands`,
  replies: `${NAMESPACE}sagaflow.replies`,
  deadLetter: `${NAMESPACE}sagaflow.dead-letter`,
};
/** Copies of every command and reply, kept by the harness to re-deliver late (`redeliver`). */
export const TAP_QUEUES = {
  commands: `${NAMESPACE}chaos-tap.commands`,
  replies: `${NAMESPACE}chaos-tap.replies`,
};

import { appConfig, env, type Env } from '@app/config';
import { z } from 'zod';

const orchestrator = appConfig('saga-orchestrator', {
  /** How long a place-order step waits for its reply before the same command is re-sent. */
  PLACE_ORDER_STEP_TIMEOUT_MS: env.positiveInt(10_000),
  /** The charge's wait; past it (on every attempt) the outcome counts as unknown and is undone. */
  PLACE_ORDER_PAYMENT_TIMEOUT_MS: env.positiveInt(10_000),
  PLACE_ORDER_PAYMENT_ATTEMPTS: env.positiveInt(2),
  /**
   * How long a place-order command may wait behind a busy participant's backlog (its queue has
   * messages and consumers) before overdue replies count as attempts again.
   */
  PLACE_ORDER_STEP_BUDGET_MS: env.positiveInt(120_000),
  /**
   * The place-order versions this orchestrator runs: new instances start on the newest, older
   * ones finish on theirs. Keep a version listed while instances may still run on it (the
   * orchestrator is not ready otherwise, and says which version and how many). v2 (a fraud
   * screen before the charge, one more hop) is opt-in: `1,2` deploys it beside v1.
   */
  PLACE_ORDER_VERSIONS: z
    .string()
    .default('1')
    .transform((value) => value.split(',').map((part) => part.trim()))
    .pipe(z.array(z.enum(['1', '2'])).min(1))
    .transform((versions) => [...new Set(versions.map(Number))]),
  /** How long a cancel-order step waits for its reply before the same command is re-sent. */
  CANCEL_ORDER_STEP_TIMEOUT_MS: env.positiveInt(10_000),
  /** The refund's wait; past it on every attempt its outcome is unknown and an operator decides. */
  CANCEL_ORDER_REFUND_TIMEOUT_MS: env.positiveInt(10_000),
  CANCEL_ORDER_REFUND_ATTEMPTS: env.positiveInt(5),
  /** Backoff between retries of a failed compensation (doubling up to the maximum). */
  SAGA_RETRY_INITIAL_DELAY_MS: env.positiveInt(1000),
  SAGA_RETRY_MAX_DELAY_MS: env.positiveInt(60_000),
  SAGA_DEADLINE_SCAN_INTERVAL_MS: env.positiveInt(1000),
  /** How long a start's Idempotency-Key is honoured; past it the same key starts another saga. */
  IDEMPOTENCY_KEY_RETENTION_MS: env.positiveInt(24 * 60 * 60_000),
  /** Open saga event streams one caller may hold on one instance (429 beyond). */
  SAGA_EVENT_STREAMS_PER_CALLER: env.positiveInt(5),
  /** Open saga event streams on one instance, all callers together (429 beyond). */
  SAGA_EVENT_STREAMS_PER_INSTANCE: env.positiveInt(1000),
  /** A stream ends after this long even if its saga has not; the client reconnects. */
  SAGA_EVENT_STREAM_MAX_LIFETIME_MS: env.positiveInt(15 * 60_000),
  SAGA_EVENT_STREAM_HEARTBEAT_MS: env.positiveInt(15_000),
  /** One query this often notices sagas moved by another orchestrator instance. */
  SAGA_EVENT_STREAM_POLL_MS: env.positiveInt(1000),
});

export const sagaOrchestratorConfigSchema = orchestrator.schema;

export type SagaOrchestratorConfig = z.infer<typeof sagaOrchestratorConfigSchema>;

export function loadSagaOrchestratorConfig(vars: Env = process.env): SagaOrchestratorConfig {
  return orchestrator.load(vars);
}

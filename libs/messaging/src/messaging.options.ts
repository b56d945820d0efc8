/** What the outbox relay may do to a message it publishes, for the chaos harness only. */
export type MessagingChaosKind = 'duplicate' | 'reorder';

export interface MessagingChaosOptions {
  kinds: MessagingChaosKind[];
  /** The chance, per message and per kind, that it happens. */
  rate: number;
  /** Makes the draws repeatable; unset draws from Math.random. */
  seed?: number;
}

/**
 * Fault-injection hooks for tests; never set in production. `refuse:<command type>` answers that
 * command with its failure reply, e.g. to drive a saga whose compensation keeps failing to FAILED.
 */
export type FaultInjection =
  'crash-before-outbox-publish' | 'dead-letter-first-replies' | `refuse:${string}`;

export interface MessagingOptions {
  url: string;
  /** Shown in the RabbitMQ management UI, so an operator sees which app holds a connection. */
  connectionName: string;
  /** The consumer's name in the inbox (the app's name); defaults to `connectionName`. */
  consumer?: string;
  /** Logical queues this app consumes, e.g. `['credit.commands']`; a service consumes only its own. */
  consume?: string[];
  /** Services that get a `<service>.commands` queue, declared by every app so no command is unroutable. */
  services?: string[];
  /** Prefix for every exchange and queue name, so test runs never meet the running apps. */
  namespace?: string;
  /**
   * Declare the whole topology on every connection (the default). False: only check (passively)
   * the exchanges and the queues this app consumes, and stay unready, retrying, until another app
   * has declared them: its broker user then needs no configure permission.
   */
  declareTopology?: boolean;
  /**
   * Unacknowledged deliveries per consumer. Unset: as many as it handles at once, so a backlog
   * waits in the queue, where other instances can take it and a sender can see it (a saga's
   * deadline treats a queue with a backlog as a busy participant, not a lost command).
   */
  prefetch?: number;
  /**
   * Deliveries handled at once, each holding a pooled connection. Unset: as many as the pool
   * serves beside its reserve (`DATABASE_POOL_SIZE` - 2), at most `prefetch`. More than the pool
   * serves fails start-up. The rest of `prefetch` waits for a slot, unacknowledged.
   */
  concurrency?: number;
  /** Where replies to the commands this app sends go (the orchestrator sets its replies queue). */
  replyTo?: string;
  retry?: Partial<RetryOptions>;
  outbox?: Partial<OutboxOptions>;
  /** Days-long by default: a duplicate must still be recognised when a deadline re-sends it. */
  inboxRetentionMs?: number;
  faultInjection?: FaultInjection;
  /** Duplicated and reordered publishes for the chaos harness; unset (always in production) is off. */
  chaos?: MessagingChaosOptions;
  /**
   * The broker users whose messages of a type take effect here: anyone else's is dead-lettered.
   * The broker vouches for the user (it refuses a publish whose user-id is not the sender's), so
   * this holds against anyone with other broker credentials. Unset (every app as guest, locally):
   * no check.
   */
  trustedPublishers?: (messageType: string) => readonly string[];
  /** A larger delivery is dead-lettered unread. */
  maxMessageBytes?: number;
}

export interface RetryOptions {
  /**
   * Attempts of a handler that fails with an infrastructure error before it is dead-lettered.
   * Transient database failures (busy pool, lock timeout, conflict, restart) do not count: they
   * are retried with the same capped backoff for as long as they last.
   */
  maxAttempts: number;
  initialDelayMs: number;
  maxDelayMs: number;
}

export interface OutboxOptions {
  /** How often the relay looks for rows the flusher did not publish. */
  pollIntervalMs: number;
  /** Rows younger than this are the flusher's: the relay leaves them, so the two rarely race. */
  graceMs: number;
  batchSize: number;
  retentionMs: number;
  purgeIntervalMs: number;
}

export type ResolvedMessagingOptions = Required<
  Omit<
    MessagingOptions,
    | 'replyTo'
    | 'faultInjection'
    | 'chaos'
    | 'retry'
    | 'outbox'
    | 'concurrency'
    | 'prefetch'
    | 'trustedPublishers'
  >
> &
  Pick<
    MessagingOptions,
    'replyTo' | 'faultInjection' | 'chaos' | 'concurrency' | 'prefetch' | 'trustedPublishers'
  > & {
    retry: RetryOptions;
    outbox: OutboxOptions;
  };

const HOUR = 60 * 60 * 1000;
/** Our largest message is well under 4 KiB; this leaves room and still bounds a hostile one. */
export const DEFAULT_MAX_MESSAGE_BYTES = 256 * 1024;

/** Safe defaults for everything an app does not say. */
export function resolveMessagingOptions(options: MessagingOptions): ResolvedMessagingOptions {
  return {
    ...options,
    consumer: options.consumer ?? options.connectionName,
    consume: options.consume ?? [],
    services: options.services ?? ['order', 'credit', 'payment'],
    namespace: options.namespace ?? '',
    declareTopology: options.declareTopology ?? true,
    retry: { maxAttempts: 5, initialDelayMs: 100, maxDelayMs: 5000, ...options.retry },
    outbox: {
      pollIntervalMs: 500,
      graceMs: 1000,
      batchSize: 200,
      retentionMs: 24 * HOUR,
      purgeIntervalMs: HOUR,
      ...options.outbox,
    },
    inboxRetentionMs: options.inboxRetentionMs ?? 7 * 24 * HOUR,
    maxMessageBytes: options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES,
  };
}

export const MESSAGING_OPTIONS = Symbol('MESSAGING_OPTIONS');

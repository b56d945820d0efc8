import { Injectable } from '@nestjs/common';
import { Counter, Histogram, register } from 'prom-client';
import type { TransientFailure } from '@app/persistence';

/** What one app instance counted since it started: read by tests and the orchestrator's gauges. */
export interface MessagingCounts {
  handled: number;
  duplicates: number;
  failureReplies: number;
  retries: number;
  deadLettered: number;
  published: number;
}

/**
 * The series live in prom-client's default registry, once per process however many app
 * instances share it (integration tests run several): a second registration would throw.
 */
function counter<L extends string>(name: string, help: string, labelNames: L[]): Counter<L> {
  const existing = register.getSingleMetric(name) as Counter<L> | undefined;
  return existing ?? new Counter({ name, help, labelNames });
}

function histogram<L extends string>(name: string, help: string, labelNames: L[]): Histogram<L> {
  const existing = register.getSingleMetric(name) as Histogram<L> | undefined;
  return (
    existing ??
    new Histogram({
      name,
      help,
      labelNames,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    })
  );
}

/**
 * The messaging layer's Prometheus series (`/metrics` serves the default registry), and this
 * instance's own counts beside them. `type` is always a type the app handles (or `unknown`), so
 * a stranger's message types cannot grow the label set.
 */
@Injectable()
export class MessagingMetrics implements MessagingCounts {
  handled = 0;
  duplicates = 0;
  failureReplies = 0;
  retries = 0;
  deadLettered = 0;
  published = 0;
  /** Attempts retried after a transient failure, which count toward no limit. */
  transientRetries = 0;

  private readonly series = {
    handled: counter(
      'sagaflow_messages_handled_total',
      'Messages handled: committed with their inbox row (and reply, success or failure)',
      ['type'],
    ),
    failed: counter(
      'sagaflow_messages_failed_total',
      'Commands answered with a failure reply (a business failure, not an error)',
      ['type'],
    ),
    deadLettered: counter(
      'sagaflow_messages_dead_lettered_total',
      'Messages moved to a dead-letter queue',
      ['queue', 'type'],
    ),
    retries: counter(
      'sagaflow_message_retries_total',
      'Handler attempts retried after an infrastructure error',
      ['type'],
    ),
    transientRetries: counter(
      'sagaflow_message_transient_retries_total',
      'Handler attempts retried after a transient database failure (busy pool, lock timeout, conflict, restart), not counted as attempts',
      ['type', 'reason'],
    ),
    duplicates: counter(
      'sagaflow_inbox_duplicates_total',
      'Deliveries skipped by the inbox as duplicates',
      ['type'],
    ),
    published: counter(
      'sagaflow_messages_published_total',
      'Outbox rows published to the broker (messages sent and re-sent)',
      [],
    ),
    duration: histogram(
      'sagaflow_message_handler_duration_seconds',
      'Time to handle a message: its transaction with the inbox row, the handler and the reply',
      ['type'],
    ),
  };

  countHandled(type: string, seconds: number): void {
    this.handled += 1;
    this.series.handled.inc({ type });
    this.series.duration.observe({ type }, seconds);
  }

  countFailureReply(type: string): void {
    this.failureReplies += 1;
    this.series.failed.inc({ type });
  }

  countDuplicate(type: string): void {
    this.duplicates += 1;
    this.series.duplicates.inc({ type });
  }

  countRetry(type: string): void {
    this.retries += 1;
    this.series.retries.inc({ type });
  }

  countTransientRetry(type: string, reason: TransientFailure): void {
    this.transientRetries += 1;
    this.series.transientRetries.inc({ type, reason });
  }

  countDeadLetter(queue: string, type: string): void {
    this.deadLettered += 1;
    this.series.deadLettered.inc({ queue, type });
  }

  countPublished(count: number): void {
    this.published += count;
    this.series.published.inc(count);
  }
}

import { Gauge, Registry } from 'prom-client';
import type { MessagingCounts } from '@app/messaging';

const COUNTERS: Record<keyof MessagingCounts, string> = {
  handled: 'Messages handled (replies applied or ignored by the engine)',
  duplicates: 'Deliveries skipped by the inbox as duplicates',
  failureReplies: 'Failure replies sent',
  retries: 'Handler retries after infrastructure errors',
  deadLettered: 'Messages moved to a dead-letter queue',
  published: 'Outbox rows published (commands sent and re-sent)',
};

/** The messaging layer's counters as Prometheus series, read at scrape time. */
export function messagingGauges(metrics: MessagingCounts): Registry {
  const registry = new Registry();
  for (const [key, help] of Object.entries(COUNTERS) as [keyof MessagingCounts, string][]) {
    new Gauge({
      name: `sagaflow_messaging_${key.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`)}`,
      help: `${help}, since the process started`,
      registers: [registry],
      collect() {
        this.set(metrics[key]);
      },
    });
  }
  return registry;
}

import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { MessagingMetrics, type MessagingCounts } from '@app/messaging';
import { scrapedGauge } from '@app/metrics';

const COUNTERS: Record<keyof MessagingCounts, string> = {
  handled: 'Messages handled (replies applied or ignored by the engine)',
  duplicates: 'Deliveries skipped by the inbox as duplicates',
  failureReplies: 'Failure replies sent',
  retries: 'Handler retries after infrastructure errors',
  deadLettered: 'Messages moved to a dead-letter queue',
  published: 'Outbox rows published (commands sent and re-sent)',
};

const gauges = Object.entries(COUNTERS).map(([key, help]) => ({
  key: key as keyof MessagingCounts,
  gauge: scrapedGauge({
    name: `sagaflow_messaging_${key.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`)}`,
    help: `${help}, since the process started`,
  }),
}));

/** The messaging layer's counters as Prometheus series, read at scrape time. */
@Injectable()
export class MessagingGauges implements OnModuleDestroy {
  private readonly stops: (() => void)[];

  constructor(metrics: MessagingMetrics) {
    this.stops = gauges.map(({ key, gauge }) => gauge.read((series) => series.set(metrics[key])));
  }

  onModuleDestroy(): void {
    for (const stop of this.stops) stop();
  }
}

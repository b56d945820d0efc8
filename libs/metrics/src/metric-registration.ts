import { Logger } from '@nestjs/common';
import {
  collectDefaultMetrics,
  Counter,
  Gauge,
  Histogram,
  register,
  type CounterConfiguration,
  type GaugeConfiguration,
  type HistogramConfiguration,
  type Metric,
} from 'prom-client';

/*
 * Every metric lives in prom-client's default registry, which `/metrics` serves. A process may
 * build the same provider more than once (the test suites boot several app instances in one
 * process), so each metric is created on first use and found again after.
 */

export function registerCounter<T extends string>(config: CounterConfiguration<T>): Counter<T> {
  return existing<Counter<T>>(config.name) ?? new Counter(config);
}

export function registerGauge<T extends string>(config: GaugeConfiguration<T>): Gauge<T> {
  return existing<Gauge<T>>(config.name) ?? new Gauge(config);
}

export function registerHistogram<T extends string>(
  config: HistogramConfiguration<T>,
): Histogram<T> {
  return existing<Histogram<T>>(config.name) ?? new Histogram(config);
}

/**
 * How often the event-loop lag histogram samples. prom-client's default (10 ms) is a timer that
 * wakes an idle process 100 times a second, which was most of each app's idle CPU; a stall
 * longer than this still shows in full, as the late sample's delay.
 */
const EVENT_LOOP_SAMPLE_MS = 100;

/** Node's own metrics (CPU, memory, event loop lag, GC), once per process. */
export function registerProcessMetrics(): void {
  if (existing('process_cpu_user_seconds_total')) return;
  collectDefaultMetrics({ eventLoopMonitoringPrecision: EVENT_LOOP_SAMPLE_MS });
}

/** Reads current values into a scraped gauge (a query, a queue's depth). */
export type GaugeReader<T extends string> = (gauge: Gauge<T>) => Promise<void> | void;

export interface ScrapedGauge<T extends string> {
  /** Adds a source of values while its owner runs; the function returned removes it. */
  read(reader: GaugeReader<T>): () => void;
}

const logger = new Logger('Metrics');
const readersByGauge = new Map<string, Set<GaugeReader<string>>>();

/**
 * A gauge whose values are read when Prometheus scrapes, from every running source (each app
 * instance in the process adds its own). A source that fails is logged and left out, so one
 * unreachable database or broker never breaks `/metrics`; a gauge without labels then reads NaN
 * rather than a reassuring 0.
 */
export function scrapedGauge<T extends string>(
  config: Pick<GaugeConfiguration<T>, 'name' | 'help' | 'labelNames'>,
): ScrapedGauge<T> {
  let sources = readersByGauge.get(config.name) as Set<GaugeReader<T>> | undefined;
  if (!sources) {
    sources = new Set<GaugeReader<T>>();
    readersByGauge.set(config.name, sources);
  }
  const readers = sources;
  // Registered again if a test cleared the registry; the readers stay.
  if (!existing(config.name)) {
    registerGauge<T>({
      ...config,
      async collect() {
        this.reset();
        for (const reader of readers) {
          try {
            await reader(this);
          } catch (error) {
            logger.warn(`Cannot read ${config.name}: ${(error as Error).message}`);
            if (!config.labelNames?.length) this.set(NaN);
          }
        }
      },
    });
  }
  return {
    read(reader) {
      readers.add(reader);
      return () => readers.delete(reader);
    },
  };
}

function existing<M extends Metric>(name: string): M | undefined {
  return register.getSingleMetric(name) as M | undefined;
}

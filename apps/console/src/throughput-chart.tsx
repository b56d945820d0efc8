import { useRef, useState } from 'preact/hooks';
import { ApiClient, type SagaStep, type SagaSummary, messageOf } from './api-client.js';
import { formatDuration } from './display.js';
import { spansOf } from './saga-timeline.js';
import type { Session } from './session.js';
import { usePolling } from './use-polling.js';

const WINDOW_MS = 5 * 60_000;
const BUCKET_MS = 15_000;
const OUTCOMES = ['COMPLETED', 'COMPENSATED', 'FAILED'] as const;
/** Timelines read for the latency chart: the newest ended sagas, each read once. */
const LATENCY_SAMPLE = 10;

/**
 * Sagas per second by outcome over the last five minutes, and the mean latency of each step,
 * computed from the public API (the newest 100 sagas and a few timelines), as any frontend could.
 */
export function ThroughputChart({ session }: { session: Session }) {
  const api = new ApiClient(session);
  const [sagas, setSagas] = useState<SagaSummary[]>([]);
  const [latencies, setLatencies] = useState<{ step: string; meanMs: number }[]>([]);
  const [error, setError] = useState('');
  const timelines = useRef(new Map<string, SagaStep[]>());

  usePolling(
    async () => {
      try {
        const page = await api.sagas({ limit: '100' });
        setSagas(page.items);
        const ended = page.items
          .filter((saga) => saga.status === 'COMPLETED')
          .slice(0, LATENCY_SAMPLE);
        for (const saga of ended) {
          if (!timelines.current.has(saga.id)) {
            timelines.current.set(saga.id, (await api.saga(saga.id)).steps);
          }
        }
        setLatencies(meanLatencies(ended.map((saga) => timelines.current.get(saga.id) ?? [])));
        setError('');
      } catch (failure) {
        setError(messageOf(failure));
      }
    },
    5000,
    [session.accessToken],
  );

  const now = Date.now();
  const buckets = Array.from({ length: WINDOW_MS / BUCKET_MS }, () => ({
    COMPLETED: 0,
    COMPENSATED: 0,
    FAILED: 0,
  }));
  for (const saga of sagas) {
    if (!(OUTCOMES as readonly string[]).includes(saga.status)) continue;
    const age = now - Date.parse(saga.updatedAt);
    if (age < 0 || age >= WINDOW_MS) continue;
    const index = buckets.length - 1 - Math.floor(age / BUCKET_MS);
    buckets[index][saga.status as (typeof OUTCOMES)[number]] += 1;
  }
  const rates = buckets.map((bucket) =>
    OUTCOMES.map((outcome) => bucket[outcome] / (BUCKET_MS / 1000)),
  );
  const peak = Math.max(0.1, ...rates.map((rate) => rate.reduce((sum, value) => sum + value, 0)));
  const width = 300;
  const height = 120;
  const barWidth = width / buckets.length;
  const slowest = Math.max(1, ...latencies.map((latency) => latency.meanMs));

  return (
    <section class="card" aria-labelledby="chart-title">
      <h2 id="chart-title">Throughput and latency</h2>
      <p role="alert" class="error">
        {error}
      </p>
      <figure>
        <svg
          viewBox={`0 0 ${width} ${height}`}
          class="chart"
          role="img"
          aria-label={`Sagas per second by outcome, last 5 minutes; peak ${peak.toFixed(2)}/s`}
        >
          {rates.map((rate, index) => {
            let y = height;
            return OUTCOMES.map((outcome, k) => {
              const barHeight = (rate[k] / peak) * (height - 4);
              y -= barHeight;
              return (
                <rect
                  key={`${index}-${outcome}`}
                  class={`fill-${outcome.toLowerCase()}`}
                  x={index * barWidth + 1}
                  y={y}
                  width={barWidth - 2}
                  height={barHeight}
                />
              );
            });
          })}
        </svg>
        <figcaption>
          Sagas/s by outcome, 15 s buckets over 5 min (peak {peak.toFixed(2)}/s):{' '}
          {OUTCOMES.map((outcome) => (
            <span key={outcome} class={`legend legend-${outcome.toLowerCase()}`}>
              {outcome.toLowerCase()}
            </span>
          ))}
        </figcaption>
      </figure>
      <h3>Mean step latency (last {LATENCY_SAMPLE} completed sagas)</h3>
      <ul class="latency">
        {latencies.map((latency) => (
          <li key={latency.step}>
            <span class="latency-label">{latency.step}</span>
            <span class="track" aria-hidden="true">
              <span class="bar" style={{ width: `${(latency.meanMs / slowest) * 100}%` }} />
            </span>
            <span class="latency-value">{formatDuration(latency.meanMs)}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}

function meanLatencies(timelines: SagaStep[][]): { step: string; meanMs: number }[] {
  const sums = new Map<string, { total: number; count: number }>();
  for (const timeline of timelines) {
    for (const span of spansOf(timeline, Date.now())) {
      if (span.direction !== 'forward' || span.outcome !== 'succeeded') continue;
      const sum = sums.get(span.step) ?? { total: 0, count: 0 };
      sums.set(span.step, { total: sum.total + (span.end - span.start), count: sum.count + 1 });
    }
  }
  return [...sums].map(([step, sum]) => ({ step, meanMs: sum.total / sum.count }));
}

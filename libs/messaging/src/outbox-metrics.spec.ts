import { describe, expect, it } from '@jest/globals';
import { register } from 'prom-client';
import type { DataSource } from 'typeorm';
import { OutboxMetrics } from './outbox-metrics.js';

function outboxWith(row: { backlog: number; lag: number } | Error): DataSource {
  const query = () => (row instanceof Error ? Promise.reject(row) : Promise.resolve([row]));
  return { query } as unknown as DataSource;
}

describe(OutboxMetrics.name, () => {
  it('reads the backlog and the age of the oldest unsent row when scraped', async () => {
    const metrics = new OutboxMetrics(outboxWith({ backlog: 42, lag: 12.5 }));
    metrics.onModuleInit();

    const text = await register.metrics();
    expect(text).toContain('sagaflow_outbox_backlog 42');
    expect(text).toContain('sagaflow_outbox_lag_seconds 12.5');
    metrics.onModuleDestroy();
  });

  it('reads NaN, not a reassuring 0, when the outbox cannot be read', async () => {
    const metrics = new OutboxMetrics(outboxWith(new Error('connection refused')));
    metrics.onModuleInit();

    const text = await register.metrics();
    expect(text).toContain('sagaflow_outbox_backlog Nan');
    expect(text).toContain('sagaflow_outbox_lag_seconds Nan');
    metrics.onModuleDestroy();
  });
});

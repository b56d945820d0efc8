import { describe, expect, it } from '@jest/globals';
import { register } from 'prom-client';
import { MessagingMetrics } from './messaging-metrics.js';

async function valueOf(name: string, labels: Record<string, string>): Promise<number> {
  const metric = register.getSingleMetric(name);
  if (!metric) throw new Error(`${name} is not registered`);
  const { values } = await metric.get();
  const sample = values.find((candidate) =>
    Object.entries(labels).every(([key, value]) => String(candidate.labels[key]) === value),
  );
  return sample?.value ?? 0;
}

describe(MessagingMetrics.name, () => {
  it('counts every instance of the process into one series per name, and each on its own', async () => {
    const first = new MessagingMetrics();
    const second = new MessagingMetrics();
    first.countHandled('credit.reserve-credit', 0.01);
    second.countHandled('credit.reserve-credit', 0.02);
    second.countDeadLetter('credit.commands', 'unknown');

    expect(
      await valueOf('sagaflow_messages_handled_total', { type: 'credit.reserve-credit' }),
    ).toBe(2);
    expect(
      await valueOf('sagaflow_message_handler_duration_seconds', {
        type: 'credit.reserve-credit',
        le: '0.025',
      }),
    ).toBe(2);
    expect(
      await valueOf('sagaflow_messages_dead_lettered_total', {
        queue: 'credit.commands',
        type: 'unknown',
      }),
    ).toBe(1);
    expect([first.handled, second.handled, second.deadLettered]).toEqual([1, 1, 1]);
  });
});

import { describe, expect, it } from '@jest/globals';
import { Test } from '@nestjs/testing';
import { CqrsModule, EventBus } from '@nestjs/cqrs';
import { register } from 'prom-client';
import { DomainEventMetrics } from './domain-event-metrics.js';

class OrderApprovedEvent {
  constructor(readonly orderId: string) {}
}

async function countOf(event: string): Promise<number> {
  const metric = await register.getSingleMetric('sagaflow_domain_events_total')?.get();
  return metric?.values.find((value) => value.labels.event === event)?.value ?? 0;
}

describe(DomainEventMetrics.name, () => {
  it('counts each event published on the EventBus, by its class', async () => {
    const module = await Test.createTestingModule({
      imports: [CqrsModule.forRoot()],
      providers: [DomainEventMetrics],
    }).compile();
    await module.init();
    const before = await countOf('OrderApprovedEvent');
    module.get(EventBus).publish(new OrderApprovedEvent('o-1'));
    module.get(EventBus).publish(new OrderApprovedEvent('o-2'));
    expect((await countOf('OrderApprovedEvent')) - before).toBe(2);
    await module.close();
  });
});

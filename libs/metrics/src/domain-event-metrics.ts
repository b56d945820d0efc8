import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { EventBus, type IEvent } from '@nestjs/cqrs';
import type { Subscription } from 'rxjs';
import { registerCounter } from './metric-registration.js';

const events = registerCounter({
  name: 'sagaflow_domain_events_total',
  help: 'Domain events published on the EventBus once their transaction committed, by event',
  labelNames: ['event'],
});

/**
 * Counts every domain event a participant publishes, subscribed to its EventBus beside the log
 * handlers: what changed (orders approved, credit released, payments voided) as a rate.
 */
@Injectable()
export class DomainEventMetrics implements OnModuleDestroy {
  private readonly subscription: Subscription;

  constructor(bus: EventBus) {
    this.subscription = bus.subscribe((event: IEvent) =>
      events.inc({ event: event.constructor.name }),
    );
  }

  onModuleDestroy(): void {
    this.subscription.unsubscribe();
  }
}

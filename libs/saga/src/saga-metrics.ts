import { Injectable } from '@nestjs/common';
import { Counter, Histogram, Registry } from 'prom-client';
import type { SagaStatus } from './saga-status.js';

type EndStatus = Extract<SagaStatus, 'COMPLETED' | 'COMPENSATED' | 'FAILED'>;

/** Prometheus metrics of the sagas this process moved; the app serves `registry` at /metrics. */
@Injectable()
export class SagaMetrics {
  readonly registry = new Registry();
  private readonly started = this.counter('started', 'Sagas started');
  private readonly ended: Record<EndStatus, Counter<'saga_type'>> = {
    COMPLETED: this.counter('completed', 'Sagas that completed'),
    COMPENSATED: this.counter('compensated', 'Sagas undone by their compensations'),
    FAILED: this.counter('failed', 'Sagas that need an operator (a compensation kept failing)'),
  };
  private readonly duration = new Histogram({
    name: 'sagaflow_saga_duration_seconds',
    help: 'Time from start to a terminal status',
    labelNames: ['saga_type', 'status'],
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
    registers: [this.registry],
  });

  sagaStarted(sagaType: string): void {
    this.started.inc({ saga_type: sagaType });
  }

  sagaEnded(sagaType: string, status: EndStatus, seconds: number): void {
    this.ended[status].inc({ saga_type: sagaType });
    this.duration.observe({ saga_type: sagaType, status }, seconds);
  }

  private counter(outcome: string, help: string): Counter<'saga_type'> {
    return new Counter({
      name: `sagaflow_sagas_${outcome}_total`,
      help,
      labelNames: ['saga_type'],
      registers: [this.registry],
    });
  }
}

import { Injectable } from '@nestjs/common';
import { registerCounter, registerHistogram } from '@app/metrics';
import type { Counter } from 'prom-client';
import type { SagaStatus } from './saga-status.js';

type EndStatus = Extract<SagaStatus, 'COMPLETED' | 'COMPENSATED' | 'FAILED'>;

/** Prometheus metrics of the sagas this process moved, in the default registry (`/metrics`). */
@Injectable()
export class SagaMetrics {
  private readonly started = counter('started', 'Sagas started');
  private readonly ended: Record<EndStatus, Counter<'saga_type'>> = {
    COMPLETED: counter('completed', 'Sagas that completed'),
    COMPENSATED: counter('compensated', 'Sagas undone by their compensations'),
    FAILED: counter('failed', 'Sagas that need an operator (a compensation kept failing)'),
  };
  private readonly duration = registerHistogram({
    name: 'sagaflow_saga_duration_seconds',
    help: 'Time from start to a terminal status',
    labelNames: ['saga_type', 'status'],
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
  });

  sagaStarted(sagaType: string): void {
    this.started.inc({ saga_type: sagaType });
  }

  sagaEnded(sagaType: string, status: EndStatus, seconds: number): void {
    this.ended[status].inc({ saga_type: sagaType });
    this.duration.observe({ saga_type: sagaType, status }, seconds);
  }
}

function counter(outcome: string, help: string): Counter<'saga_type'> {
  return registerCounter({
    name: `sagaflow_sagas_${outcome}_total`,
    help,
    labelNames: ['saga_type'],
  });
}

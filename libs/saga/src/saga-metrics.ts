import { Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { registerCounter, registerHistogram, scrapedGauge } from '@app/metrics';
import { DataSource } from 'typeorm';
import type { Counter } from 'prom-client';
import type { SagaDirection } from './saga-state-machine.js';
import { SagaRegistry } from './saga-registry.js';
import { SAGA_STATUSES, type SagaStatus } from './saga-status.js';
import { SagaStore } from './saga-store.js';

type EndStatus = Extract<SagaStatus, 'COMPLETED' | 'COMPENSATED' | 'FAILED'>;

const inStatus = scrapedGauge({
  name: 'sagaflow_sagas',
  help: 'Sagas in each status right now, by type (FAILED ones wait for an operator)',
  labelNames: ['saga_type', 'status'] as const,
});

/**
 * Prometheus metrics of the sagas: what this process moved (counters, durations, step latency)
 * and, read from the saga table at scrape, how many sagas are in each status across instances.
 */
@Injectable()
export class SagaMetrics implements OnModuleInit, OnModuleDestroy {
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
  private readonly stepDuration = registerHistogram({
    name: 'sagaflow_saga_step_duration_seconds',
    help: 'Time from a step’s command (its first send) to its reply being applied, by step, direction (forward or compensation) and outcome',
    labelNames: ['saga_type', 'step', 'direction', 'outcome'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
  });
  private stop?: () => void;

  constructor(
    private readonly dataSource: DataSource,
    private readonly store: SagaStore,
    private readonly registry: SagaRegistry,
  ) {}

  onModuleInit(): void {
    this.stop = inStatus.read(async (gauge) => {
      // Zero series for every known type and status, so `FAILED > 0` alerts see a 0, not nothing.
      for (const sagaType of new Set(this.registry.all().map((definition) => definition.name))) {
        for (const status of SAGA_STATUSES) gauge.set({ saga_type: sagaType, status }, 0);
      }
      for (const { sagaType, status, count } of await this.store.countByStatus(
        this.dataSource.manager,
      )) {
        gauge.set({ saga_type: sagaType, status }, count);
      }
    });
  }

  onModuleDestroy(): void {
    this.stop?.();
  }

  sagaStarted(sagaType: string): void {
    this.started.inc({ saga_type: sagaType });
  }

  sagaEnded(sagaType: string, status: EndStatus, seconds: number): void {
    this.ended[status].inc({ saga_type: sagaType });
    this.duration.observe({ saga_type: sagaType, status }, seconds);
  }

  stepAnswered(
    step: { sagaType: string; name: string; direction: SagaDirection },
    outcome: 'succeeded' | 'failed',
    seconds: number,
  ): void {
    this.stepDuration.observe(
      { saga_type: step.sagaType, step: step.name, direction: step.direction, outcome },
      seconds,
    );
  }
}

function counter(outcome: string, help: string): Counter<'saga_type'> {
  return registerCounter({
    name: `sagaflow_sagas_${outcome}_total`,
    help,
    labelNames: ['saga_type'],
  });
}

import { describe, expect, it } from '@jest/globals';
import { register } from 'prom-client';
import type { DataSource } from 'typeorm';
import type { AnySagaDefinition } from './saga-definition.js';
import { SagaMetrics } from './saga-metrics.js';
import { SagaRegistry } from './saga-registry.js';
import type { SagaStore } from './saga-store.js';

describe(SagaMetrics.name, () => {
  it('counts the sagas in each status at scrape, with a 0 for every status none is in', async () => {
    // Two versions of one saga type: one set of series.
    const registry = new SagaRegistry([
      { name: 'place-order', version: 1 } as AnySagaDefinition,
      { name: 'place-order', version: 2 } as AnySagaDefinition,
    ]);
    const store = {
      countByStatus: () =>
        Promise.resolve([
          { sagaType: 'place-order', status: 'COMPLETED', count: 12 },
          { sagaType: 'place-order', status: 'FAILED', count: 2 },
        ]),
    } as unknown as SagaStore;
    const metrics = new SagaMetrics({ manager: {} } as DataSource, store, registry);
    metrics.onModuleInit();

    const text = await register.metrics();
    expect(text).toContain('sagaflow_sagas{saga_type="place-order",status="COMPLETED"} 12');
    expect(text).toContain('sagaflow_sagas{saga_type="place-order",status="FAILED"} 2');
    expect(text).toContain('sagaflow_sagas{saga_type="place-order",status="COMPENSATING"} 0');
    expect(text.match(/^sagaflow_sagas\{/gm)).toHaveLength(5);
    metrics.onModuleDestroy();
  });

  it('times each answered step by name, direction and outcome', async () => {
    const metrics = new SagaMetrics({} as DataSource, {} as SagaStore, new SagaRegistry([]));
    const step = { sagaType: 'place-order', name: 'reserve credit', direction: 'forward' as const };
    metrics.stepAnswered(step, 'succeeded', 0.03);
    metrics.stepAnswered(step, 'succeeded', 0.2);

    expect(await register.metrics()).toContain(
      'sagaflow_saga_step_duration_seconds_count{saga_type="place-order",step="reserve credit",direction="forward",outcome="succeeded"} 2',
    );
  });
});

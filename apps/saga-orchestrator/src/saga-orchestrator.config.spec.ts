import { describe, expect, it } from '@jest/globals';
import { loadSagaOrchestratorConfig } from './saga-orchestrator.config.js';

describe(loadSagaOrchestratorConfig.name, () => {
  it('runs place-order v1 by default, and the versions listed otherwise', () => {
    expect(loadSagaOrchestratorConfig({}).PLACE_ORDER_VERSIONS).toEqual([1]);
    expect(
      loadSagaOrchestratorConfig({ PLACE_ORDER_VERSIONS: '2, 1' }).PLACE_ORDER_VERSIONS,
    ).toEqual([2, 1]);
  });

  it('refuses a version it does not have, naming the variable', () => {
    expect(() => loadSagaOrchestratorConfig({ PLACE_ORDER_VERSIONS: '1,3' })).toThrow(
      'PLACE_ORDER_VERSIONS',
    );
  });
});

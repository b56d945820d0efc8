// Test helpers, kept out of the production face (`@app/saga`): import them as `@app/saga/testing`.
export { sagaHarness, SagaHarness, SentCommand } from './saga-harness.js';
export { SagaMetrics } from './saga-metrics.js';

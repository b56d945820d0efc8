// Test helpers, kept out of the production face (`@app/messaging`): import them as
// `@app/messaging/testing`.
export { toAmqp } from './envelope.js';
export { OutboxMetrics } from './outbox-metrics.js';

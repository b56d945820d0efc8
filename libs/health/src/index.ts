export { HealthModule } from './health.module.js';
export type { HealthOptions } from './health.options.js';
export type { ReadinessIndicator } from './readiness-indicator.js';

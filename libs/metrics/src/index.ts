export { DomainEventMetrics } from './domain-event-metrics.js';
export { HttpMetrics } from './http-metrics.js';
export {
  registerCounter,
  registerGauge,
  registerHistogram,
  scrapedGauge,
  type GaugeReader,
  type ScrapedGauge,
} from './metric-registration.js';
export { MetricsController } from './metrics.controller.js';
export { MetricsModule } from './metrics.module.js';

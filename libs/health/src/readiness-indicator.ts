import type { HealthIndicatorResult } from '@nestjs/terminus';

/** Something the app needs before it can take traffic: a database, a broker, a peer. */
export interface ReadinessIndicator {
  isReady(): PromiseLike<HealthIndicatorResult>;
}

import type { Type } from '@nestjs/common';
import type { ReadinessIndicator } from './readiness-indicator.js';

export interface HealthOptions {
  /** Indicators checked by `/health/ready`; each must be provided by an imported module. */
  readiness: Type<ReadinessIndicator>[];
  shutdownGraceMs: number;
}

export const HEALTH_OPTIONS = Symbol('HEALTH_OPTIONS');
export const READINESS_INDICATORS = Symbol('READINESS_INDICATORS');

import { Inject, Injectable } from '@nestjs/common';
import { TypeOrmHealthIndicator } from '@nestjs/terminus';
import type { ReadinessIndicator } from '@app/health';
import { PERSISTENCE_OPTIONS, type PersistenceOptions } from './persistence.options.js';

/** Ready when a `SELECT 1` through the app's pool answers in time. */
@Injectable()
export class DatabaseHealthIndicator implements ReadinessIndicator {
  constructor(
    private readonly typeOrm: TypeOrmHealthIndicator,
    @Inject(PERSISTENCE_OPTIONS) private readonly options: PersistenceOptions,
  ) {}

  isReady() {
    return this.typeOrm.pingCheck('database').withTimeout(this.options.healthCheckTimeoutMs);
  }
}

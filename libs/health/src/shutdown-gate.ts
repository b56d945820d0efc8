import { setTimeout as sleep } from 'node:timers/promises';
import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnModuleDestroy,
} from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { HEALTH_OPTIONS, type HealthOptions } from './health.options.js';
import type { ReadinessIndicator } from './readiness-indicator.js';

/**
 * On shutdown, readiness fails first; the app then keeps serving for a grace period so load
 * balancers stop sending traffic before connections close.
 */
@Injectable()
export class ShutdownGate
  implements ReadinessIndicator, OnModuleDestroy, BeforeApplicationShutdown
{
  private readonly logger = new Logger(ShutdownGate.name);
  private draining = false;

  constructor(
    private readonly indicator: HealthIndicatorService,
    @Inject(HEALTH_OPTIONS) private readonly options: HealthOptions,
  ) {}

  isReady() {
    const session = this.indicator.check('shutdown');
    return Promise.resolve(
      this.draining ? session.down({ message: 'shutting down' }) : session.up(),
    );
  }

  onModuleDestroy(): void {
    this.draining = true;
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.logger.log(`Draining for ${this.options.shutdownGraceMs} ms before closing connections`);
    await sleep(this.options.shutdownGraceMs);
  }
}

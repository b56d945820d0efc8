import { Controller, Get, Inject } from '@nestjs/common';
import { HealthCheck, HealthCheckService } from '@nestjs/terminus';
import { Public } from '@app/identity';
import { READINESS_INDICATORS } from './health.options.js';
import type { ReadinessIndicator } from './readiness-indicator.js';
import { ShutdownGate } from './shutdown-gate.js';

/** Open: the kubelet, the gateway's checks and load balancers call it without a token. */
@Public()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly shutdownGate: ShutdownGate,
    @Inject(READINESS_INDICATORS) private readonly indicators: ReadinessIndicator[],
  ) {}

  /** The process runs and answers: restart it only when this fails. */
  @Get('live')
  @HealthCheck()
  live() {
    return this.health.check([]);
  }

  /** Everything the app needs is reachable: send it traffic only when this passes. */
  @Get('ready')
  @HealthCheck()
  ready() {
    return this.health.check(
      [this.shutdownGate, ...this.indicators].map((indicator) => () => indicator.isReady()),
    );
  }
}

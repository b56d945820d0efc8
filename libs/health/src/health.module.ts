import { DynamicModule, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { HealthController } from './health.controller.js';
import { HEALTH_OPTIONS, READINESS_INDICATORS, type HealthOptions } from './health.options.js';
import type { ReadinessIndicator } from './readiness-indicator.js';
import { ShutdownGate } from './shutdown-gate.js';

/** `/health/live` and `/health/ready` through terminus, and a graceful drain on shutdown. */
@Module({})
export class HealthModule {
  static forRoot(options: HealthOptions): DynamicModule {
    return {
      module: HealthModule,
      imports: [TerminusModule.forRoot({ errorLogStyle: 'pretty', logger: false })],
      controllers: [HealthController],
      providers: [
        { provide: HEALTH_OPTIONS, useValue: options },
        ShutdownGate,
        {
          provide: READINESS_INDICATORS,
          useFactory: (...indicators: ReadinessIndicator[]) => indicators,
          inject: options.readiness,
        },
      ],
    };
  }
}

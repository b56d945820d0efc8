import { Controller, Get, Header } from '@nestjs/common';
import { Public } from '@app/identity';
import { MessagingMetrics } from '@app/messaging';
import { SagaMetrics } from '@app/saga';
import { Registry } from 'prom-client';
import { messagingGauges } from './messaging-gauges.js';

/** Prometheus metrics: sagas started, completed, compensated and failed, their durations, messages. */
@Public()
@Controller('metrics')
export class MetricsController {
  private readonly registry: Registry;

  constructor(sagas: SagaMetrics, messaging: MessagingMetrics) {
    this.registry = Registry.merge([sagas.registry, messagingGauges(messaging)]);
  }

  @Get()
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  scrape(): Promise<string> {
    return this.registry.metrics();
  }
}

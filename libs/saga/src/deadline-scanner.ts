import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import { SagaEngine } from './saga-engine.js';
import { SAGA_OPTIONS, type SagaModuleOptions } from './saga.options.js';

/**
 * Finds sagas whose step deadline passed and lets the engine re-send, retry or compensate. Each
 * saga is handled in its own transaction under `FOR UPDATE SKIP LOCKED`, so any number of
 * orchestrator instances can scan at once. After a crash nothing else is needed: overdue steps
 * are simply found here.
 */
@Injectable()
export class DeadlineScanner implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(DeadlineScanner.name);
  private timer?: NodeJS.Timeout;
  private scanning?: Promise<number>;

  constructor(
    private readonly engine: SagaEngine,
    @Inject(SAGA_OPTIONS) private readonly options: SagaModuleOptions,
  ) {}

  onApplicationBootstrap(): void {
    const interval = this.options.deadlineScanIntervalMs ?? 1000;
    this.timer = setInterval(() => void this.scan(), interval);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.scanning;
  }

  /** One pass; resolves with the number of sagas moved. Overlapping calls share the pass. */
  scan(): Promise<number> {
    this.scanning ??= this.scanBatch().finally(() => (this.scanning = undefined));
    return this.scanning;
  }

  private async scanBatch(): Promise<number> {
    const limit = this.options.deadlineScanBatchSize ?? 100;
    let moved = 0;
    try {
      while (moved < limit && (await this.engine.expireNext())) moved += 1;
    } catch (error) {
      this.logger.warn(`Deadline scan stopped: ${(error as Error).message}`);
    }
    return moved;
  }
}

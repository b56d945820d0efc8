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
 * After a scan failed (this instance lost its database), how long overdue replies are not held
 * against participants: replies that arrived meanwhile wait in the queue, and the consumer's
 * retries take them within about a second once the database is back.
 */
export const RECOVERY_GRACE_MS = 5000;

/**
 * Finds sagas whose step deadline passed and lets the engine re-send, retry or compensate. Each
 * saga is handled in its own transaction under `FOR UPDATE SKIP LOCKED`, so any number of
 * orchestrator instances can scan at once. After a crash nothing else is needed: overdue steps
 * are simply found here. After an outage of its own database, deadlines that passed while this
 * instance could read no reply are moved on for a short grace, not counted as timeouts.
 */
@Injectable()
export class DeadlineScanner implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(DeadlineScanner.name);
  private timer?: NodeJS.Timeout;
  private scanning?: Promise<number>;
  /** Set while scans fail; then, once they succeed again, the end of the grace. */
  private cutOff = false;
  private graceEndsAt = 0;

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
      const now = Date.now();
      if (this.cutOff) {
        this.cutOff = false;
        this.graceEndsAt = now + RECOVERY_GRACE_MS;
        this.logger.log(`Deadline scans work again; overdue replies wait ${RECOVERY_GRACE_MS} ms`);
      }
      const unsure = now < this.graceEndsAt ? 'the orchestrator was cut off' : undefined;
      while (moved < limit && (await this.engine.expireNext({ unsure }))) moved += 1;
    } catch (error) {
      this.cutOff = true;
      this.logger.warn(`Deadline scan stopped: ${(error as Error).message}`);
    }
    return moved;
  }
}

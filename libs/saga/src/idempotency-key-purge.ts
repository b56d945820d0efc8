import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import { DataSource } from 'typeorm';
import { SagaStore } from './saga-store.js';
import {
  DEFAULT_IDEMPOTENCY_KEY_RETENTION_MS,
  SAGA_OPTIONS,
  type SagaModuleOptions,
} from './saga.options.js';

/** Keys one pass forgets at most, so one pass never holds many rows for long. */
const BATCH_SIZE = 1000;

/**
 * Idempotency keys are kept for a documented retention only (24 h by default): a client retries
 * within minutes, and a key kept forever is a customer's request history and a key space that
 * only grows. Past it, the saga stays and only its key and request fingerprint are cleared, so the
 * same key then starts another saga. Any number of orchestrator instances may purge at once.
 */
@Injectable()
export class IdempotencyKeyPurge implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(IdempotencyKeyPurge.name);
  private timer?: NodeJS.Timeout;
  private purging?: Promise<number>;

  constructor(
    private readonly dataSource: DataSource,
    private readonly store: SagaStore,
    @Inject(SAGA_OPTIONS) private readonly options: SagaModuleOptions,
  ) {}

  private get retentionMs(): number {
    return this.options.idempotencyKeyRetentionMs ?? DEFAULT_IDEMPOTENCY_KEY_RETENTION_MS;
  }

  onApplicationBootstrap(): void {
    // A tenth of the retention, at most hourly: a key lives at most 10% past its retention.
    const interval = Math.min(60 * 60_000, Math.max(1000, Math.floor(this.retentionMs / 10)));
    this.timer = setInterval(() => void this.purge(), interval);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.purging;
  }

  /** One pass, batch after batch; resolves with the number of keys forgotten. */
  purge(): Promise<number> {
    this.purging ??= this.purgeAll().finally(() => (this.purging = undefined));
    return this.purging;
  }

  private async purgeAll(): Promise<number> {
    let forgotten = 0;
    try {
      for (;;) {
        const batch = await this.store.forgetIdempotencyKeys(
          this.dataSource.manager,
          this.retentionMs,
          BATCH_SIZE,
        );
        forgotten += batch;
        if (batch < BATCH_SIZE) break;
      }
      if (forgotten > 0) this.logger.log(`Forgot ${forgotten} idempotency keys past retention`);
    } catch (error) {
      this.logger.warn(`Purging idempotency keys failed: ${(error as Error).message}`);
    }
    return forgotten;
  }
}

import { Logger } from '@nestjs/common';
import type { InstanceRegistry } from './instance-registry.js';
import type { ServiceInstance } from './service-instance.js';

export interface HealthCheckOptions {
  intervalMs: number;
  timeoutMs: number;
  /** Spreads the checks: each waits the interval ± this fraction of it. */
  jitter?: number;
  path?: string;
}

/**
 * Asks every instance for its readiness on an interval (with jitter, so a fleet of gateways does
 * not check in lockstep) and records the answer. A new instance is checked at once.
 */
export class HealthChecker {
  private readonly logger = new Logger(HealthChecker.name);
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private running = false;

  constructor(
    private readonly registry: InstanceRegistry,
    private readonly options: HealthCheckOptions,
  ) {
    registry.onChange(({ kind, instance }) => {
      if (kind === 'removed') this.cancel(instance.id);
      else if (this.running) this.schedule(instance, 0);
    });
  }

  start(): void {
    this.running = true;
    for (const instance of this.registry.list()) this.schedule(instance, 0);
  }

  stop(): void {
    this.running = false;
    for (const id of [...this.timers.keys()]) this.cancel(id);
  }

  /** Checks one instance now and records the result. */
  async check(instance: ServiceInstance): Promise<boolean> {
    const passed = await fetch(`${instance.url}${this.options.path ?? '/health/ready'}`, {
      signal: AbortSignal.timeout(this.options.timeoutMs),
    }).then(
      async (response) => {
        await response.body?.cancel();
        return response.ok;
      },
      () => false,
    );
    const before = this.registry.get(instance.id);
    this.registry.recordCheck(instance.id, passed);
    const after = this.registry.get(instance.id);
    if (before && after && before.status !== after.status) {
      const line = `${after.service} instance ${after.id} (${after.url}) is ${after.status}`;
      if (after.status === 'UP') this.logger.log(line);
      else this.logger.warn(line);
    }
    return passed;
  }

  private schedule(instance: ServiceInstance, delayMs: number): void {
    this.cancel(instance.id);
    const timer = setTimeout(() => {
      void this.check(instance).finally(() => {
        if (this.running && this.timers.get(instance.id) === timer) {
          this.schedule(instance, this.nextDelay());
        }
      });
    }, delayMs);
    timer.unref();
    this.timers.set(instance.id, timer);
  }

  private nextDelay(): number {
    const jitter = this.options.jitter ?? 0.2;
    return Math.round(this.options.intervalMs * (1 - jitter + Math.random() * 2 * jitter));
  }

  private cancel(id: string): void {
    clearTimeout(this.timers.get(id));
    this.timers.delete(id);
  }
}

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
  /** Failed checks of instances never seen ready yet: most are still starting. */
  private readonly startingFailures = new Map<string, number>();
  private readonly seenReady = new Set<string>();
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
      void this.check(instance)
        .then((passed) => this.track(instance.id, passed))
        .finally(() => {
          if (this.running && this.timers.get(instance.id) === timer) {
            this.schedule(instance, this.nextDelay(instance.id));
          }
        });
    }, delayMs);
    timer.unref();
    this.timers.set(instance.id, timer);
  }

  private track(id: string, passed: boolean): void {
    if (passed) {
      this.seenReady.add(id);
      this.startingFailures.delete(id);
    } else if (!this.seenReady.has(id)) {
      this.startingFailures.set(id, (this.startingFailures.get(id) ?? 0) + 1);
    }
  }

  /**
   * The interval with jitter; sooner for an instance never seen ready (250 ms, doubling up to the
   * interval), so one that starts beside the gateway takes traffic as soon as it can, not a
   * whole interval later.
   */
  private nextDelay(id: string): number {
    const jitter = this.options.jitter ?? 0.2;
    const regular = Math.round(this.options.intervalMs * (1 - jitter + Math.random() * 2 * jitter));
    const failures = this.startingFailures.get(id);
    return failures === undefined ? regular : Math.min(regular, 250 * 2 ** (failures - 1));
  }

  private cancel(id: string): void {
    clearTimeout(this.timers.get(id));
    this.timers.delete(id);
    if (!this.registry.get(id)) {
      this.startingFailures.delete(id);
      this.seenReady.delete(id);
    }
  }
}

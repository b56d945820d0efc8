import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { DISCOVERY_OPTIONS, dnsTargetsOf, type DiscoveryOptions } from './discovery.options.js';
import { DnsProvider } from './dns.provider.js';
import { HealthChecker } from './health-checker.js';
import { InstanceRegistry } from './instance-registry.js';

/** Fills the registry from the configured provider and keeps it current while the app runs. */
@Injectable()
export class DiscoveryLifecycle implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(DiscoveryLifecycle.name);
  private readonly checker: HealthChecker;
  private dns?: DnsProvider;
  private evictor?: NodeJS.Timeout;
  private running = false;

  constructor(
    private readonly registry: InstanceRegistry,
    @Inject(DISCOVERY_OPTIONS) private readonly options: DiscoveryOptions,
  ) {
    this.checker = new HealthChecker(registry, options.health);
  }

  async onApplicationBootstrap(): Promise<void> {
    const { provider } = this.options;
    if (provider === 'static') {
      for (const { service, urls } of this.options.services) {
        this.registry.sync('static', service, urls);
      }
    } else if (provider === 'dns') {
      this.dns = new DnsProvider(this.registry, dnsTargetsOf(this.options), {
        intervalMs: this.options.dnsIntervalMs,
      });
      await this.dns.start();
    } else {
      this.evictor = setInterval(() => this.evict(), this.options.evictionIntervalMs);
      this.evictor.unref();
    }
    this.checker.start();
    this.running = true;
    this.logger.log(`Discovering instances by ${provider}`);
  }

  /** The provider filled the registry and the health checks run. */
  get isRunning(): boolean {
    return this.running;
  }

  onModuleDestroy(): void {
    this.running = false;
    this.dns?.stop();
    clearInterval(this.evictor);
    this.checker.stop();
  }

  private evict(): void {
    for (const instance of this.registry.evictExpired()) {
      this.logger.warn(
        `Evicted ${instance.service} instance ${instance.id} (${instance.url}): lease expired`,
      );
    }
  }
}

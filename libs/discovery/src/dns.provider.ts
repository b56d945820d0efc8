import { promises as dns } from 'node:dns';
import { Logger } from '@nestjs/common';
import type { InstanceRegistry } from './instance-registry.js';

/** The part of node:dns the provider uses, so tests can answer for it. */
export interface AddressResolver {
  resolve4(hostname: string): Promise<string[]>;
  resolve6(hostname: string): Promise<string[]>;
}

/** A service and the name whose address records are its instances (a headless Service). */
export interface DnsTarget {
  service: string;
  /** Scheme, host and port of the instances; the host is the name resolved. */
  url: string;
}

export interface DnsProviderOptions {
  intervalMs: number;
  resolver?: AddressResolver;
}

/**
 * Resolves every A and AAAA record of each service's name on an interval: with a Kubernetes
 * headless Service, one per ready pod. A failed lookup keeps the instances last seen.
 */
export class DnsProvider {
  private readonly logger = new Logger(DnsProvider.name);
  private readonly resolver: AddressResolver;
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly registry: InstanceRegistry,
    private readonly targets: readonly DnsTarget[],
    private readonly options: DnsProviderOptions,
  ) {
    this.resolver = options.resolver ?? dns;
  }

  async start(): Promise<void> {
    await this.refresh();
    this.timer = setInterval(() => void this.refresh(), this.options.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  async refresh(): Promise<void> {
    await Promise.all(this.targets.map((target) => this.resolveTarget(target)));
  }

  private async resolveTarget(target: DnsTarget): Promise<void> {
    const url = new URL(target.url);
    const [v4, v6] = await Promise.allSettled([
      this.resolver.resolve4(url.hostname),
      this.resolver.resolve6(url.hostname),
    ]);
    if (v4.status === 'rejected' && v6.status === 'rejected') {
      if (!isNoRecords(v4.reason) || !isNoRecords(v6.reason)) {
        this.logger.warn(`Could not resolve ${url.hostname}: ${String(v4.reason)}`);
        return;
      }
    }
    const addresses = [
      ...(v4.status === 'fulfilled' ? v4.value : []),
      ...(v6.status === 'fulfilled' ? v6.value.map((address) => `[${address}]`) : []),
    ];
    this.registry.sync(
      'dns',
      target.service,
      addresses.map((address) => `${url.protocol}//${address}${url.port ? `:${url.port}` : ''}`),
    );
  }
}

/** The name exists with no such records, or not at all: no instances, rather than "unknown". */
function isNoRecords(error: unknown): boolean {
  const code = (error as { code?: unknown } | undefined)?.code;
  return code === 'ENODATA' || code === 'ENOTFOUND';
}

import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import { hostname } from 'node:os';
import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';

export interface RegistrationOptions {
  service: string;
  /** The gateway's base URL; the client calls its `/internal/registry/instances`. */
  registryUrl: string;
  /** Where the gateway reaches this instance. */
  advertisedUrl: string;
  token: string;
  leaseTtlMs: number;
  renewIntervalMs: number;
  /** How long one call to the registry may take. */
  timeoutMs?: number;
}

export const REGISTRATION_OPTIONS = Symbol('REGISTRATION_OPTIONS');

/** The route an instance registers on; the gateway serves it. */
export const REGISTRATION_PATH = '/internal/registry/instances';

/**
 * Announces this instance to the gateway's registry at start-up and renews the lease on an
 * interval (a gateway that restarted learns of it at the next renewal). On shutdown it
 * deregisters before connections close, so no request is sent to an instance on its way out.
 */
@Injectable()
export class RegistrationClient implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(RegistrationClient.name);
  /** Unique per process: a restarted instance is a new one. */
  readonly instanceId: string;
  private timer?: NodeJS.Timeout;
  private registered = false;
  private failing = false;
  private stopped = false;
  private renewing?: Promise<void>;

  constructor(
    @Inject(REGISTRATION_OPTIONS) private readonly options: RegistrationOptions,
    private readonly adapterHost: HttpAdapterHost,
  ) {
    this.instanceId = `${options.service}-${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`;
  }

  onApplicationBootstrap(): void {
    // Announced once it listens, so the gateway's first check finds it answering. Not awaited:
    // the gateway may start after this app, and renewals keep trying.
    const server = this.adapterHost.httpAdapter.getHttpServer() as Server;
    if (server.listening) this.scheduleRenewal(0);
    else server.once('listening', () => this.scheduleRenewal(0));
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    // A renewal landing after the deregistration would bring the instance back.
    await this.renewing;
    if (!this.registered) return;
    try {
      const response = await this.call('DELETE', `/${encodeURIComponent(this.instanceId)}`);
      this.logger.log(`Deregistered ${this.instanceId} (${response.status})`);
    } catch (error) {
      this.logger.warn(`Could not deregister ${this.instanceId}: ${describe(error)}`);
    }
  }

  /** Registers, or renews the lease of, this instance. */
  async renew(): Promise<void> {
    if (this.stopped) return;
    try {
      const response = await this.call('POST', '', {
        id: this.instanceId,
        service: this.options.service,
        url: this.options.advertisedUrl,
        leaseTtlMs: this.options.leaseTtlMs,
      });
      if (!response.ok) throw new Error(`the registry answered ${response.status}`);
      if (!this.registered || this.failing) {
        this.logger.log(
          `Registered ${this.instanceId} at ${this.options.advertisedUrl} with ${this.options.registryUrl}`,
        );
      }
      this.registered = true;
      this.failing = false;
    } catch (error) {
      // One warning per outage, not one per renewal.
      if (!this.failing) {
        this.logger.warn(`Could not register with ${this.options.registryUrl}: ${describe(error)}`);
      }
      this.failing = true;
    }
  }

  /** Renews on the interval; retries sooner while the registry cannot be reached. */
  private scheduleRenewal(delayMs: number): void {
    this.timer = setTimeout(() => {
      this.renewing = this.renew();
      void this.renewing.then(() => {
        if (this.stopped) return;
        const { renewIntervalMs } = this.options;
        this.scheduleRenewal(this.failing ? Math.min(1000, renewIntervalMs) : renewIntervalMs);
      });
    }, delayMs);
    this.timer.unref();
  }

  private async call(method: 'POST' | 'DELETE', path: string, body?: unknown): Promise<Response> {
    const response = await fetch(`${this.options.registryUrl}${REGISTRATION_PATH}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${this.options.token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(this.options.timeoutMs ?? 2000),
    });
    await response.body?.cancel();
    return response;
  }
}

function describe(error: unknown): string {
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  return cause instanceof Error ? cause.message : String(cause);
}

import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { connect, type ChannelModel, type RecoveringChannelModel } from 'amqplib';
import type { ReadinessIndicator } from '@app/health';
import { coalesceSocketWrites } from './coalesced-socket-writes.js';
import { MESSAGING_OPTIONS, type MessagingOptions } from './messaging.options.js';
import { Topology } from './topology.js';

/**
 * One long-lived AMQP connection per process. amqplib's recovery reconnects with backoff after
 * the broker restarts; readiness reads the last known state instead of opening a connection.
 * The topology is declared (or, with declareTopology false, checked) on every (re)connection,
 * before any channel is handed out.
 */
@Injectable()
export class BrokerConnection
  implements ReadinessIndicator, OnApplicationBootstrap, OnApplicationShutdown
{
  private readonly logger = new Logger(BrokerConnection.name);
  private connection?: RecoveringChannelModel;
  private connected = false;
  private lastError?: string;

  constructor(
    @Inject(MESSAGING_OPTIONS) private readonly options: MessagingOptions,
    private readonly indicator: HealthIndicatorService,
    private readonly topology: Topology,
  ) {}

  /**
   * The broker user this app connects as (amqplib's default is guest). Every publish carries it as
   * user-id: the broker refuses one that is not the sender's, so a consumer can trust it.
   */
  get userId(): string {
    return decodeURIComponent(new URL(this.options.url).username) || 'guest';
  }

  async onApplicationBootstrap(): Promise<void> {
    const connection = await connect(this.options.url, {
      // amqplib leaves Nagle's algorithm on, which stalls every small frame by ~40 ms.
      noDelay: true,
      clientProperties: { connection_name: this.options.connectionName },
      recovery: {
        initialDelay: 200,
        maxDelay: 5000,
        maxRetries: Infinity,
        waitForConnect: false,
        // A failed setup counts as a failed connection: unready, and retried with the backoff.
        setup: (model: ChannelModel) => {
          // amqplib's recovery listens for the model's errors only once setup is done: a
          // connection lost meanwhile (the broker restarting) would emit an 'error' nobody
          // handles and end the process. Setup then fails, and the recovery reconnects.
          model.on('error', (error: Error) => {
            this.lastError = error.message;
          });
          coalesceSocketWrites(model);
          return this.options.declareTopology === false
            ? this.topology.check(model, this.options.consume ?? [])
            : this.topology.declare(model);
        },
      },
    });
    connection.on('connect', () => {
      this.connected = true;
      this.lastError = undefined;
      this.logger.log('Connected to RabbitMQ');
    });
    connection.on('disconnect', (error: Error) => {
      this.connected = false;
      this.lastError = error.message;
      this.logger.warn(`Lost the RabbitMQ connection: ${error.message}; reconnecting`);
    });
    connection.on('connect-failed', (error: Error) => {
      // Once per cause, not once per retry: a missing topology or a broker away says so once.
      if (error.message !== this.lastError) this.logger.warn(error.message);
      this.lastError = error.message;
    });
    connection.on('error', (error: Error) => {
      this.lastError = error.message;
    });
    this.connection = connection;
  }

  /** The connection, once established; channel calls wait for a (re)connection internally. */
  get model(): RecoveringChannelModel {
    if (!this.connection) throw new Error('BrokerConnection used before application bootstrap');
    return this.connection;
  }

  isConnected(): boolean {
    return this.connected;
  }

  isReady() {
    const session = this.indicator.check('broker');
    return Promise.resolve(
      this.connected
        ? session.up()
        : session.down({ message: this.lastError ?? 'not connected yet' }),
    );
  }

  async onApplicationShutdown(): Promise<void> {
    this.connected = false;
    await this.connection?.close().catch((error: unknown) => {
      this.logger.warn(`Closing the RabbitMQ connection failed: ${String(error)}`);
    });
  }
}

import { Injectable, Logger } from '@nestjs/common';
import type { Channel } from 'amqplib';
import { BrokerConnection } from './broker-connection.js';
import { Topology } from './topology.js';

/** What a queue holds right now: messages waiting for a consumer, and its consumers. */
export interface QueueLoad {
  ready: number;
  consumers: number;
}

/** A broker that does not answer within this is treated as telling nothing. */
const PROBE_TIMEOUT_MS = 500;
/** A burst of overdue sagas asks the broker once per queue within this. */
const CACHE_MS = 250;

/**
 * Reads how busy the service a command goes to is, from its queue (a passive declare: no message
 * is touched). The saga engine asks it when a reply is overdue, to tell a participant working
 * through a backlog from one that lost the command.
 */
@Injectable()
export class QueueProbe {
  private readonly logger = new Logger(QueueProbe.name);
  private channel?: Promise<Channel>;
  private readonly cache = new Map<string, { at: number; load: Promise<QueueLoad | undefined> }>();

  constructor(
    private readonly broker: BrokerConnection,
    private readonly topology: Topology,
  ) {}

  /** The load of the queue a command type is routed to; undefined when the broker cannot tell. */
  loadOf(commandType: string): Promise<QueueLoad | undefined> {
    const queue = this.topology.queue(this.topology.commandsQueueOf(commandType));
    const cached = this.cache.get(queue);
    if (cached && Date.now() - cached.at < CACHE_MS) return cached.load;
    const load = this.check(queue);
    this.cache.set(queue, { at: Date.now(), load });
    return load;
  }

  private async check(queue: string): Promise<QueueLoad | undefined> {
    if (!this.broker.isConnected()) return undefined;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), PROBE_TIMEOUT_MS);
    });
    try {
      const answer = this.channelOf().then((channel) => channel.checkQueue(queue));
      const ok = await Promise.race([answer, timeout]);
      return ok && { ready: ok.messageCount, consumers: ok.consumerCount };
    } catch (error) {
      // A missing queue closes the channel; the next probe opens another.
      this.channel = undefined;
      this.logger.debug(`Could not read ${queue}: ${(error as Error).message}`);
      return undefined;
    } finally {
      clearTimeout(timer);
    }
  }

  private channelOf(): Promise<Channel> {
    this.channel ??= this.broker.model.createChannel().then((channel) => {
      const forget = () => {
        this.channel = undefined;
      };
      channel.on('close', forget);
      channel.on('error', forget);
      return channel;
    });
    return this.channel;
  }
}

import { Injectable, Logger } from '@nestjs/common';
import type { ConfirmChannel, Message, Options } from 'amqplib';
import { BrokerConnection } from './broker-connection.js';

export interface Publication {
  exchange: string;
  routingKey: string;
  content: Buffer;
  options: Options.Publish;
}

/**
 * Publishes with publisher confirms on one channel: a promise settles only when the broker has
 * taken responsibility for the message, or refused it (nack, unroutable, channel lost).
 */
@Injectable()
export class MessagePublisher {
  private readonly logger = new Logger(MessagePublisher.name);
  private channel?: Promise<ConfirmChannel>;
  /** Message ids the broker returned as unroutable; their confirm follows the return. */
  private readonly returned = new Set<string>();

  private readonly userId: string;

  constructor(private readonly broker: BrokerConnection) {
    this.userId = broker.userId;
  }

  /** Publishes every message, then waits for all their confirms. */
  async publishAll(publications: Publication[]): Promise<void> {
    const channel = await this.confirmChannel();
    await Promise.all(publications.map((publication) => this.publishOn(channel, publication)));
  }

  private publishOn(
    channel: ConfirmChannel,
    { exchange, routingKey, content, options }: Publication,
  ) {
    return new Promise<void>((resolve, reject) => {
      const messageId = options.messageId;
      const signed = { ...options, userId: this.userId };
      channel.publish(exchange, routingKey, content, signed, (error: unknown) => {
        if (error)
          return reject(
            error instanceof Error ? error : new Error('the broker refused the message'),
          );
        if (messageId && this.returned.delete(messageId)) {
          return reject(new Error(`${exchange}/${routingKey} routes to no queue`));
        }
        resolve();
      });
    });
  }

  private confirmChannel(): Promise<ConfirmChannel> {
    this.channel ??= this.openChannel();
    return this.channel;
  }

  private async openChannel(): Promise<ConfirmChannel> {
    try {
      const channel = await this.broker.model.createConfirmChannel();
      channel.on('return', (message: Message) => {
        if (typeof message.properties.messageId === 'string')
          this.returned.add(message.properties.messageId);
      });
      channel.on('error', (error: Error) =>
        this.logger.warn(`Publisher channel error: ${error.message}`),
      );
      // A closed channel (connection lost, broker error) is replaced on the next publish.
      channel.on('close', () => {
        this.channel = undefined;
      });
      return channel;
    } catch (error) {
      this.channel = undefined;
      throw error;
    }
  }
}

import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { CommandDefinition, PayloadOf } from '@app/contracts';
import { REPLIES_QUEUE, Topology, fromAmqp, toAmqp, type Envelope } from '@app/messaging';
import { connect, type ConfirmChannel, type ChannelModel } from 'amqplib';

const AMQP_URL = 'amqp://guest:guest@127.0.0.1:5672';

export interface SentCommand {
  messageId: string;
  traceparent: string;
}

/**
 * Plays the orchestrator's part on the wire: sends commands to a participant and collects the
 * replies from the (namespaced) replies queue. Re-sends survive a broker restart: the same message
 * id is published again and the participant's inbox drops the duplicate.
 */
export class CommandClient {
  readonly replies = new Map<string, Envelope[]>();
  private model?: ChannelModel;
  private channel?: ConfirmChannel;
  private readonly topology: Topology;

  constructor(readonly namespace: string) {
    this.topology = new Topology({ namespace, services: ['order', 'credit', 'payment'] });
  }

  async open(): Promise<void> {
    this.model = await connect(AMQP_URL, { noDelay: true });
    await this.topology.declare(this.model);
    this.channel = await this.model.createConfirmChannel();
    await this.channel.consume(this.topology.queue(REPLIES_QUEUE), (message) => {
      if (!message) return;
      const decoded = fromAmqp(message);
      if (decoded.ok && decoded.envelope.causationId) {
        const list = this.replies.get(decoded.envelope.causationId) ?? [];
        list.push(decoded.envelope);
        this.replies.set(decoded.envelope.causationId, list);
      }
      this.channel?.ack(message);
    });
  }

  /** Publishes once, waiting for the broker's confirm. */
  async send<C extends CommandDefinition>(
    command: C,
    payload: PayloadOf<C>,
    sent: SentCommand = { messageId: randomUUID(), traceparent: newTraceparent() },
  ): Promise<SentCommand> {
    const channel = this.channel;
    if (!channel) throw new Error('CommandClient.open() first');
    const { content, options } = toAmqp({
      messageId: sent.messageId,
      type: command.type,
      schemaVersion: command.schemaVersion,
      correlationId: sent.messageId,
      traceparent: sent.traceparent,
      occurredAt: new Date().toISOString(),
      replyTo: REPLIES_QUEUE,
      payload,
    });
    channel.publish(this.topology.commandsExchange, command.type, content, options);
    await channel.waitForConfirms();
    return sent;
  }

  /** Keeps trying through a broker outage, reconnecting as needed. */
  async sendReliably<C extends CommandDefinition>(
    command: C,
    payload: PayloadOf<C>,
    sent: SentCommand = { messageId: randomUUID(), traceparent: newTraceparent() },
  ): Promise<SentCommand> {
    for (;;) {
      try {
        return await this.send(command, payload, sent);
      } catch {
        await this.reopen();
      }
    }
  }

  async waitForReplies(messageIds: string[], timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (messageIds.every((id) => this.replies.has(id))) return;
      await sleep(100);
    }
    const missing = messageIds.filter((id) => !this.replies.has(id)).length;
    throw new Error(`${missing} of ${messageIds.length} replies did not arrive in ${timeoutMs} ms`);
  }

  async close(): Promise<void> {
    await this.model?.close().catch(() => undefined);
  }

  /** Removes the namespace's exchanges and queues: a test run leaves nothing on the broker. */
  async deleteTopology(): Promise<void> {
    const model = await connect(AMQP_URL);
    try {
      const channel = await model.createChannel();
      for (const logical of this.topology.queues) {
        await channel.deleteQueue(this.topology.queue(logical));
        await channel.deleteQueue(this.topology.deadLetterQueue(logical));
      }
      for (const exchange of [
        this.topology.commandsExchange,
        this.topology.repliesExchange,
        this.topology.deadLetterExchange,
      ]) {
        await channel.deleteExchange(exchange);
      }
    } finally {
      await model.close();
    }
  }

  private async reopen(): Promise<void> {
    await this.close();
    this.model = undefined;
    this.channel = undefined;
    for (;;) {
      try {
        await this.open();
        return;
      } catch {
        await sleep(500);
      }
    }
  }
}

export function newTraceparent(): string {
  const hex = (bytes: number) =>
    randomUUID()
      .replace(/-/g, '')
      .slice(0, bytes * 2);
  return `00-${hex(16)}-${hex(8)}-01`;
}

import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { CommandDefinition, PayloadOf } from '@app/contracts';
import { REPLIES_QUEUE, fromAmqp, type Envelope } from '@app/messaging';
import { toAmqp } from '@app/messaging/testing';
import { connect, type ConfirmChannel, type ChannelModel } from 'amqplib';
import { eventually } from './eventually.js';
import { AMQP_URL, ScratchNamespace } from './scratch-namespace.js';

export interface SentCommand {
  messageId: string;
  traceparent: string;
}

/** What a command may carry besides its payload; whatever is left out is made up. */
export interface PublishOptions extends Partial<SentCommand> {
  sagaId?: string;
}

/** A reply as a test asserts on it: its message type and its payload. */
export interface Reply {
  type: string;
  body: Record<string, unknown>;
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
  private readonly scratch: ScratchNamespace;
  private closed = false;
  private reopening?: Promise<void>;

  constructor(readonly namespace: string) {
    this.scratch = new ScratchNamespace(namespace);
  }

  async open(): Promise<void> {
    const model = await connect(AMQP_URL, { noDelay: true });
    this.model = model;
    // A broker restart or a missed heartbeat fails the calls that follow; an unhandled 'error'
    // event would instead end the whole jest process.
    model.on('error', () => undefined);
    // Replies keep arriving after a broker restart even when no send notices it (the producer may
    // be done before the broker goes down): the client reconnects on its own, as the apps do.
    model.on('close', () => {
      if (this.model === model) void this.reopen();
    });
    await this.scratch.topology.declare(model);
    this.channel = await this.model.createConfirmChannel();
    await this.channel.consume(this.scratch.topology.queue(REPLIES_QUEUE), (message) => {
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

  /**
   * Publishes without waiting for the broker's confirm, so commands sent one after another race
   * each other as a busy relay's would; returns the message id the replies name as their cause.
   */
  publish<C extends CommandDefinition>(
    command: C,
    payload: PayloadOf<C>,
    { messageId = randomUUID(), traceparent = newTraceparent(), sagaId }: PublishOptions = {},
  ): string {
    if (!this.channel) throw new Error('CommandClient.open() first');
    const { content, options } = toAmqp({
      messageId,
      type: command.type,
      schemaVersion: command.schemaVersion,
      sagaId,
      correlationId: messageId,
      traceparent,
      occurredAt: new Date().toISOString(),
      replyTo: REPLIES_QUEUE,
      payload,
    });
    this.channel.publish(this.scratch.topology.commandsExchange, command.type, content, options);
    return messageId;
  }

  /** Publishes once, waiting for the broker's confirm. */
  async send<C extends CommandDefinition>(
    command: C,
    payload: PayloadOf<C>,
    sent: SentCommand = { messageId: randomUUID(), traceparent: newTraceparent() },
  ): Promise<SentCommand> {
    this.publish(command, payload, sent);
    await this.channel?.waitForConfirms();
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
      } catch (error) {
        if (this.closed) throw error;
        await this.reopen();
      }
    }
  }

  async waitForReplies(messageIds: string[], timeoutMs: number): Promise<void> {
    const missing = () => messageIds.filter((id) => !this.replies.has(id));
    await eventually(() => missing().length === 0, {
      timeoutMs,
      what: () => `${missing().length} of ${messageIds.length} replies arrive`,
    });
  }

  /** Publishes a command and waits for its reply. */
  roundTrip<C extends CommandDefinition>(command: C, payload: PayloadOf<C>): Promise<Reply> {
    return this.replyTo(this.publish(command, payload));
  }

  /** The first reply caused by the command `messageId`, once it arrived. */
  async replyTo(messageId: string, timeoutMs = 20_000): Promise<Reply> {
    const [reply] = await this.repliesTo([messageId], timeoutMs);
    return reply;
  }

  /** The first replies to the given commands, in the same order. */
  async repliesTo(messageIds: string[], timeoutMs = 20_000): Promise<Reply[]> {
    await this.waitForReplies(messageIds, timeoutMs);
    return messageIds.map((id) => {
      const [reply] = this.replies.get(id) ?? [];
      return { type: reply.type, body: reply.payload as Record<string, unknown> };
    });
  }

  /** Closes for good: a producer still re-sending (a test that timed out) stops too. */
  async close(): Promise<void> {
    this.closed = true;
    await this.disconnect();
  }

  /** Removes the namespace's exchanges and queues: a test run leaves nothing on the broker. */
  deleteTopology(): Promise<void> {
    return this.scratch.delete();
  }

  private async disconnect(): Promise<void> {
    const model = this.model;
    // Forgotten first, so its 'close' event is not taken for a lost connection.
    this.model = undefined;
    this.channel = undefined;
    await model?.close().catch(() => undefined);
  }

  /** One reconnection at a time, whoever noticed the loss (a failed send or the closed socket). */
  private reopen(): Promise<void> {
    this.reopening ??= this.reconnect().finally(() => (this.reopening = undefined));
    return this.reopening;
  }

  private async reconnect(): Promise<void> {
    await this.disconnect();
    while (!this.closed) {
      try {
        await this.open();
        return;
      } catch {
        await this.disconnect();
        // A reconnect backoff while the broker is down, not a wait for an outcome.
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

import { withBroker } from './broker-connection.mjs';
import { EXCHANGES, TAP_QUEUES } from './layout.mjs';

/** How many recent copies each tap keeps: the oldest go first (a few seconds' worth of traffic). */
const TAP_LENGTH = 500;

/**
 * Duplicated, late and reordered deliveries from outside the apps: a tap queue bound beside the
 * real ones receives a copy of every command and reply; a `redeliver` fault takes some of the
 * oldest copies and publishes them again, shuffled, with their original message ids, properties
 * and headers. The consumers must recognise them (inbox) or ignore them (replies not awaited).
 */
export async function installTaps() {
  await withBroker(async (broker) => {
    const channel = await broker.channel();
    for (const queue of Object.values(TAP_QUEUES)) {
      await channel.assertQueue(queue, {
        durable: true,
        arguments: { 'x-max-length': TAP_LENGTH, 'x-queue-type': 'classic' },
      });
    }
    await channel.bindQueue(TAP_QUEUES.commands, EXCHANGES.commands, '#');
    await channel.bindQueue(TAP_QUEUES.replies, EXCHANGES.replies, 'saga-orchestrator.replies');
  });
}

/** Re-publishes up to `count` tapped copies of `source` (commands or replies), shuffled. */
export async function redeliver(source, count, rng) {
  return withBroker(async (broker) => {
    const channel = await broker.confirmChannel();
    const copies = [];
    for (let i = 0; i < count; i += 1) {
      const message = await channel.get(TAP_QUEUES[source], { noAck: true });
      if (!message) break;
      copies.push(message);
    }
    for (let i = copies.length - 1; i > 0; i -= 1) {
      const j = rng.int(0, i);
      [copies[i], copies[j]] = [copies[j], copies[i]];
    }
    for (const { fields, properties, content } of copies) {
      const { messageId, type, correlationId, replyTo, contentType, timestamp, headers } =
        properties;
      channel.publish(fields.exchange, fields.routingKey, content, {
        messageId,
        type,
        correlationId,
        replyTo,
        contentType,
        timestamp,
        headers,
        persistent: true,
      });
    }
    await channel.waitForConfirms();
    return copies.map((copy) => copy.properties.type);
  });
}

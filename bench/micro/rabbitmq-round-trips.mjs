// RabbitMQ alone: confirmed round trips per second. A round trip is one persistent message to a
// quorum queue, confirmed to its publisher and delivered to (and acked by) a consumer on another
// connection; `inFlight` of them at a time.
import { Buffer } from 'node:buffer';
import { randomUUID } from 'node:crypto';
import { epochNow, runClosedLoop, withTimeout } from '../closed-loop.mjs';
import { connectBroker } from '../infrastructure.mjs';

const PREFETCH = 256;

export async function rabbitmqRoundTrips({ namespace, inFlight, measure }) {
  const queue = `${namespace}micro.round-trips`;
  const publisher = await connectBroker();
  const consumer = await connectBroker();
  try {
    const publishing = await publisher.createConfirmChannel();
    const consuming = await consumer.createChannel();
    await consuming.assertQueue(queue, { durable: true, arguments: { 'x-queue-type': 'quorum' } });
    await consuming.prefetch(PREFETCH);
    const delivered = new Map();
    await consuming.consume(queue, (message) => {
      if (!message) return; // the queue was deleted at the end
      consuming.ack(message);
      delivered.get(message.properties.messageId)?.();
    });
    const roundTrip = async () => {
      const startedAt = epochNow();
      const messageId = randomUUID();
      try {
        const arrived = new Promise((resolve) => delivered.set(messageId, resolve));
        const confirmed = new Promise((resolve, reject) =>
          publishing.sendToQueue(
            queue,
            Buffer.from(messageId),
            { persistent: true, messageId },
            (error) => (error ? reject(error) : resolve()),
          ),
        );
        await withTimeout(Promise.all([confirmed, arrived]), 30_000, 'a round trip');
        return { startedAt, endedAt: epochNow() };
      } catch (error) {
        return { startedAt, endedAt: epochNow(), error: error.message };
      } finally {
        delivered.delete(messageId);
      }
    };
    const result = await measure({
      level: inFlight,
      drive: ({ concurrency, stopAt }) => runClosedLoop({ concurrency, stopAt, op: roundTrip }),
    });
    await consuming.deleteQueue(queue);
    return result;
  } finally {
    await publisher.close();
    await consumer.close();
  }
}

import { setTimeout as sleep } from 'node:timers/promises';
import { connect } from 'amqplib';
import { AMQP_ADMIN_URL } from './layout.mjs';

/**
 * The harness's own short-lived broker connections. The broker may be restarting (a fault): wait
 * for it a while. A connection or channel that fails later says so through its calls, never
 * through an unhandled 'error' event (which would end the harness without cleaning up).
 */
export async function withBroker(work, { timeoutMs = 30_000 } = {}) {
  const model = await connectSoon(timeoutMs);
  model.on('error', () => undefined);
  try {
    return await work({
      channel: () => quiet(model.createChannel()),
      confirmChannel: () => quiet(model.createConfirmChannel()),
    });
  } finally {
    await model.close().catch(() => undefined);
  }
}

async function quiet(opening) {
  const channel = await opening;
  channel.on('error', () => undefined);
  return channel;
}

async function connectSoon(timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await connect(AMQP_ADMIN_URL, { noDelay: true });
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await sleep(500);
    }
  }
}

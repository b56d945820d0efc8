// Measures the messaging path of one participant as a real process: a command is published to
// RabbitMQ, the order app takes it through its inbox, handler and outbox in one transaction, its
// relay publishes the reply, and the bench receives it. Prints commands/s and latency per window
// of commands kept in flight. Usage: npm run bench:participant [-- --messages 3000]
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { connect } from 'amqplib';
import { Buffer } from 'node:buffer';
import { cpuSecondsOf } from './process-stats.mjs';

const windows = [1, 16, 128];
const namespace = `bench-${randomUUID().slice(0, 6)}.`;
const port = 4410;
const amqpUrl = process.env.AMQP_URL || 'amqp://guest:guest@127.0.0.1:5672';

async function waitUntilReady() {
  for (let attempt = 0; attempt < 120; attempt += 1) {
    const ok = await fetch(`http://127.0.0.1:${port}/health/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await sleep(500);
  }
  throw new Error('the order app did not become ready');
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function run(channel, pending, inFlight, count, appPid) {
  const latencies = [];
  const cpuBefore = cpuSecondsOf(appPid);
  let next = 0;
  const started = performance.now();
  await new Promise((resolve, reject) => {
    let done = 0;
    const sendOne = () => {
      const messageId = randomUUID();
      pending.set(messageId, (ms) => {
        latencies.push(ms);
        done += 1;
        if (done === count) resolve();
        else if (next < count) sendOne();
      });
      next += 1;
      const sentAt = performance.now();
      pending.get(messageId).sentAt = sentAt;
      channel.publish(
        `${namespace}sagaflow.commands`,
        'order.create-pending-order',
        Buffer.from(
          JSON.stringify({
            orderId: randomUUID(),
            customerId: randomUUID(),
            total: { amount: 1000, currency: 'EUR' },
          }),
        ),
        {
          messageId,
          type: 'order.create-pending-order',
          correlationId: messageId,
          replyTo: 'saga-orchestrator.replies',
          contentType: 'application/json',
          persistent: true,
          headers: {
            'x-schema-version': 1,
            traceparent: `00-${randomUUID().replace(/-/g, '')}-${randomUUID().replace(/-/g, '').slice(0, 16)}-01`,
            'x-occurred-at': new Date().toISOString(),
          },
        },
        (error) => error && reject(error),
      );
    };
    for (let i = 0; i < Math.min(inFlight, count); i += 1) sendOne();
  });
  const seconds = (performance.now() - started) / 1000;
  const cpuSeconds = cpuSecondsOf(appPid) - cpuBefore;
  latencies.sort((a, b) => a - b);
  return {
    inFlight,
    messages: count,
    perSecond: Math.round(count / seconds),
    p50ms: percentile(latencies, 50).toFixed(1),
    p99ms: percentile(latencies, 99).toFixed(1),
    // The app's own CPU (utime + stime from /proc): what a command costs it, whatever the load.
    appCpuMsPerCommand: ((1000 * cpuSeconds) / count).toFixed(2),
  };
}

export async function runParticipantBench({ messages }) {
  const app = spawn(process.execPath, ['dist/apps/order/main.js'], {
    env: {
      ...process.env,
      PORT: String(port),
      LOG_LEVEL: 'warn',
      LOG_FORMAT: 'json',
      AMQP_NAMESPACE: namespace,
      AMQP_PREFETCH: '64',
      DATABASE_URL: 'postgres://sagaflow_order@127.0.0.1:5432/sagaflow_bench',
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  // Never leave the app behind, however the bench ends.
  process.once('exit', () => app.kill('SIGTERM'));

  try {
    await waitUntilReady();
    const connection = await connect(amqpUrl, { noDelay: true });
    connection.on('error', (error) => {
      console.error(`bench: the RabbitMQ connection failed: ${error.message}`);
      process.exit(1);
    });
    const channel = await connection.createConfirmChannel();
    const pending = new Map();
    await channel.consume(`${namespace}saga-orchestrator.replies`, (message) => {
      if (!message) return; // the queue was deleted at the end
      const causation = message.properties.headers['x-causation-id'];
      const entry = pending.get(causation);
      channel.ack(message);
      if (!entry) return;
      pending.delete(causation);
      entry(performance.now() - entry.sentAt);
    });

    await run(channel, pending, 16, 300, app.pid); // warm-up: JIT, pools, queues
    const results = [];
    for (const inFlight of windows) {
      results.push(
        await run(
          channel,
          pending,
          inFlight,
          inFlight === 1 ? Math.min(500, messages) : messages,
          app.pid,
        ),
      );
    }
    console.log(
      '\ncommand → inbox + handler + outbox (one transaction) → relay → reply, order app, 1 process',
    );
    console.table(results);

    for (const queue of [
      'order.commands',
      'credit.commands',
      'payment.commands',
      'saga-orchestrator.replies',
    ]) {
      await channel.deleteQueue(`${namespace}${queue}`);
      await channel.deleteQueue(`${namespace}${queue}.dead-letter`);
    }
    for (const exchange of ['sagaflow.commands', 'sagaflow.replies', 'sagaflow.dead-letter']) {
      await channel.deleteExchange(`${namespace}${exchange}`);
    }
    await connection.close();
  } finally {
    app.kill('SIGTERM');
  }
}

// The reference saga's orchestrator, which is also its load driver (as in the recipe): on
// `{ run: { concurrency, stopAt } }` from the bench it runs sagas in a closed loop and sends the
// samples back. Per saga: insert the row; per step, publish the command (persistent, confirmed),
// await its reply, update the row, then ack the reply (the state is durable first).
// Started by reference-saga.mjs: node orchestrator.mjs <namespace>
import { Buffer } from 'node:buffer';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { epochNow, runClosedLoop, withTimeout } from '../closed-loop.mjs';
import { connectBroker, postgresUrl } from '../infrastructure.mjs';
import {
  ACCOUNTS,
  commandQueue,
  DATABASE,
  POOL_MAX,
  PREFETCH,
  QUEUE_OPTIONS,
  replyQueue,
  ROLES,
} from './settings.mjs';

const STEP_TIMEOUT_MS = 30_000;
const [namespace] = process.argv.slice(2);
const pool = new pg.Pool({ connectionString: postgresUrl(DATABASE), max: POOL_MAX });
const broker = await connectBroker();
const commands = await broker.createConfirmChannel();
const replies = await broker.createChannel();
for (const role of ROLES) await commands.assertQueue(commandQueue(namespace, role), QUEUE_OPTIONS);
await replies.assertQueue(replyQueue(namespace), QUEUE_OPTIONS);
await replies.prefetch(PREFETCH);

/** Replies awaited, by correlation id (`<sagaId>:<step>`). */
const awaited = new Map();
await replies.consume(replyQueue(namespace), (message) => {
  const resolve = awaited.get(message.properties.correlationId);
  if (!resolve) return replies.ack(message); // a late duplicate: nothing awaits it
  awaited.delete(message.properties.correlationId);
  resolve(message);
});

function send(role, command, correlationId) {
  return new Promise((resolve, reject) => {
    commands.sendToQueue(
      commandQueue(namespace, role),
      Buffer.from(JSON.stringify(command)),
      { persistent: true, messageId: correlationId, correlationId, replyTo: replyQueue(namespace) },
      (error) => (error ? reject(error) : resolve()),
    );
  });
}

async function runSaga() {
  const sagaId = randomUUID();
  const account = 1 + Math.floor(Math.random() * ACCOUNTS);
  await pool.query(
    `INSERT INTO orchestrator.saga (id, status, step, account) VALUES ($1, 'RUNNING', 0, $2)`,
    [sagaId, account],
  );
  for (const [step, role] of ROLES.entries()) {
    const correlationId = `${sagaId}:${step}`;
    const replied = new Promise((resolve) => awaited.set(correlationId, resolve));
    let reply;
    try {
      await send(role, { account, amount: 1 }, correlationId);
      reply = await withTimeout(replied, STEP_TIMEOUT_MS, `${role} step`);
    } finally {
      awaited.delete(correlationId);
    }
    const { ok } = JSON.parse(reply.content.toString());
    const status = !ok ? 'FAILED' : step === ROLES.length - 1 ? 'COMPLETED' : 'RUNNING';
    await pool.query(
      `UPDATE orchestrator.saga SET step = $2, status = $3, updated_at = clock_timestamp() WHERE id = $1`,
      [sagaId, step + 1, status],
    );
    replies.ack(reply);
    if (!ok) return 'FAILED';
  }
  return 'COMPLETED';
}

async function sample() {
  const startedAt = epochNow();
  try {
    const status = await runSaga();
    return { startedAt, endedAt: epochNow(), status };
  } catch (error) {
    return { startedAt, endedAt: epochNow(), error: error.message };
  }
}

process.on('message', (message) => {
  if (!message.run) return;
  void runClosedLoop({ ...message.run, op: sample }).then((samples) => process.send({ samples }));
});
const stop = async () => {
  await broker.close().catch(() => {});
  await pool.end().catch(() => {});
  process.exit(0);
};
process.once('SIGTERM', () => void stop());
process.once('disconnect', () => void stop());
process.send('ready');

// A participant of the reference saga (order, credit or payment), one process each. Per command:
// one transaction (an inbox row, then a guarded balance update), then the reply, published with a
// confirm, and only then the ack: a crash anywhere means redelivery, and the inbox drops it.
// Started by reference-saga.mjs: node participant.mjs <role> <namespace>
import { Buffer } from 'node:buffer';
import pg from 'pg';
import { connectBroker, postgresUrl } from '../infrastructure.mjs';
import {
  commandQueue,
  DATABASE,
  POOL_MAX,
  PREFETCH,
  QUEUE_OPTIONS,
  replyQueue,
  schemaOf,
} from './settings.mjs';

const [role, namespace] = process.argv.slice(2);
const schema = schemaOf(role);
const pool = new pg.Pool({ connectionString: postgresUrl(DATABASE), max: POOL_MAX });
const broker = await connectBroker();
const replies = await broker.createConfirmChannel();
const commands = await broker.createChannel();
await commands.assertQueue(commandQueue(namespace, role), QUEUE_OPTIONS);
await replies.assertQueue(replyQueue(namespace), QUEUE_OPTIONS);
await commands.prefetch(PREFETCH);

/** Applies a command once; false when the account cannot cover it (a business failure). */
async function apply({ account, amount }, messageId) {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const first = await client.query(
      `INSERT INTO ${schema}.inbox (message_id) VALUES ($1) ON CONFLICT DO NOTHING`,
      [messageId],
    );
    let ok = true;
    if (first.rowCount === 1) {
      const updated = await client.query(
        `UPDATE ${schema}.account SET balance = balance - $2 WHERE id = $1 AND balance >= $2`,
        [account, amount],
      );
      ok = updated.rowCount === 1;
    }
    await client.query('COMMIT');
    return ok;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}

async function handle(message) {
  const { messageId, correlationId, replyTo } = message.properties;
  let ok;
  try {
    ok = await apply(JSON.parse(message.content.toString()), messageId);
  } catch (error) {
    console.error(`reference ${role}: ${error.message}`);
    commands.nack(message, false, true);
    return;
  }
  const reply = Buffer.from(JSON.stringify({ ok }));
  replies.sendToQueue(replyTo, reply, { persistent: true, correlationId }, (error) =>
    error ? commands.nack(message, false, true) : commands.ack(message),
  );
}

await commands.consume(commandQueue(namespace, role), (message) => void handle(message));

const stop = async () => {
  await broker.close().catch(() => {});
  await pool.end().catch(() => {});
  process.exit(0);
};
process.once('SIGTERM', () => void stop());
// The bench went away: never linger.
process.once('disconnect', () => void stop());
process.send('ready');

/**
 * Runs an app until it is up, then stops it: a migration step for Kubernetes Jobs until the apps
 * have a migrate-only mode.
 *
 *   node migrate-once.mjs dist/apps/order/main.js
 *
 * The app bootstraps its database (DATABASE_ADMIN_URL) and runs its migrations
 * (DATABASE_MIGRATIONS_RUN=true) while it starts, before it listens; so once /health/live answers,
 * both are done. This sends SIGTERM, waits for a clean exit and exits 0. If the app exits first, or
 * does not come up within MIGRATE_TIMEOUT_MS, it exits non-zero and the Job retries.
 */
import { spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';

const entry = process.argv[2];
if (!entry) {
  process.stderr.write('usage: node migrate-once.mjs <app entry, e.g. dist/apps/order/main.js>\n');
  process.exit(2);
}
const port = process.env.PORT ?? '3000';
const timeoutMs = Number(process.env.MIGRATE_TIMEOUT_MS ?? 300_000);
const liveUrl = `http://127.0.0.1:${port}/health/live`;

const app = spawn(process.execPath, [entry], {
  stdio: 'inherit',
  env: { ...process.env, DATABASE_MIGRATIONS_RUN: 'true' },
});
let exitCode = null;
const exited = new Promise((resolve) => {
  app.on('exit', (code, signal) => {
    // Nest re-raises the signal after its shutdown hooks: ending by SIGTERM is a clean stop.
    exitCode = signal === 'SIGTERM' || code === 143 ? 0 : (code ?? 1);
    resolve(exitCode);
  });
});

async function isLive() {
  try {
    const response = await globalThis.fetch(liveUrl, {
      signal: globalThis.AbortSignal.timeout(1000),
    });
    return response.ok;
  } catch {
    return false;
  }
}

const deadline = Date.now() + timeoutMs;
while (exitCode === null && Date.now() < deadline) {
  if (await isLive()) {
    process.stderr.write('migrate-once: the app is up, its migrations have run; stopping it\n');
    app.kill('SIGTERM');
    const code = await exited;
    process.exit(code === 0 ? 0 : 1);
  }
  await sleep(250);
}
if (exitCode === null) {
  process.stderr.write(`migrate-once: the app did not come up within ${timeoutMs} ms\n`);
  app.kill('SIGKILL');
  await exited;
  process.exit(1);
}
process.stderr.write(`migrate-once: the app exited (${exitCode}) before it came up\n`);
process.exit(exitCode === 0 ? 1 : exitCode);

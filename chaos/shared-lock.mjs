import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import process from 'node:process';

/** The lock every helper and suite takes before it uses the shared PostgreSQL and RabbitMQ. */
export const LOCK_FILE = '/tmp/sagaflow-db.lock';

/**
 * Makes sure this run holds the shared lock for its whole life, since it stops PostgreSQL and
 * RabbitMQ for everyone: either an ancestor holds it (`flock /tmp/sagaflow-db.lock npm run chaos`,
 * or a suite run under flock), or the harness takes it itself, waiting for whoever has it.
 * Returns a release function (a no-op when an ancestor holds the lock).
 */
export async function holdSharedLock(log) {
  if (ancestorHoldsLock()) return () => undefined;
  log(`waiting for ${LOCK_FILE} ...`);
  // `flock FILE cat` holds the lock while cat reads our pipe: if this process dies, even by
  // SIGKILL, the pipe closes, cat exits and the lock is released.
  const holder = spawn('flock', [LOCK_FILE, 'sh', '-c', 'echo locked; exec cat'], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  await new Promise((resolve, reject) => {
    holder.stdout.once('data', resolve);
    holder.once('exit', (code) => reject(new Error(`flock exited (${code})`)));
  });
  log(`holding ${LOCK_FILE}`);
  return () => holder.stdin.end();
}

function ancestorHoldsLock() {
  if (spawnSync('flock', ['-n', LOCK_FILE, 'true']).status === 0) return false;
  for (let pid = process.ppid; pid > 1; pid = parentOf(pid)) {
    const args = commandLineOf(pid);
    if (args[0]?.endsWith('flock') && args.includes(LOCK_FILE)) return true;
  }
  return false;
}

function commandLineOf(pid) {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
  } catch {
    return [];
  }
}

function parentOf(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return 1;
  }
}

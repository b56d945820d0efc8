import { spawn, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import process from 'node:process';

/** The lock every helper and suite takes before it uses the shared PostgreSQL and RabbitMQ. */
export const LOCK_FILE = '/tmp/sagaflow-db.lock';

/**
 * How this process stands with the shared lock: `fd` when it holds it through an inherited file
 * descriptor (run as `flock /tmp/sagaflow-db.lock npm run chaos`), `ancestor` when a process
 * above it holds it without passing the descriptor on (a test runner started under flock), or
 * `none`.
 */
export function lockState() {
  if (spawnSync('flock', ['-n', LOCK_FILE, 'true']).status === 0) return { held: 'none' };
  const fd = inheritedLockFd();
  if (fd !== undefined && ancestorHoldsLock()) return { held: 'fd', fd };
  return { held: ancestorHoldsLock() ? 'ancestor' : 'none' };
}

/**
 * Runs this same command again under `flock`, waiting for whoever holds the lock, and resolves
 * with its exit code. Ctrl-C reaches the child through the terminal; SIGTERM is passed on.
 */
export function rerunUnderLock(log) {
  log(`taking ${LOCK_FILE} (waiting for whoever holds it) ...`);
  const child = spawn('flock', [LOCK_FILE, process.execPath, ...process.argv.slice(1)], {
    stdio: 'inherit',
  });
  process.on('SIGINT', () => undefined);
  process.on('SIGTERM', () => child.kill('SIGTERM'));
  return new Promise((resolve) => child.once('exit', (code) => resolve(code ?? 1)));
}

function inheritedLockFd() {
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      if (readlinkSync(`/proc/self/fd/${fd}`) === LOCK_FILE) return Number(fd);
    } catch {
      // A descriptor closed while we looked.
    }
  }
  return undefined;
}

function ancestorHoldsLock() {
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

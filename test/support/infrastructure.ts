import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { readdirSync } from 'node:fs';

/**
 * Stops and starts the machine's real PostgreSQL and RabbitMQ, as an operator would. Async: the
 * CLIs take seconds, and a test that watches the system meanwhile must keep running.
 */
const pgVersion = () => readdirSync('/etc/postgresql')[0];

const execFileAsync = promisify(execFile);

async function run(command: string, args: string[]): Promise<void> {
  try {
    await execFileAsync(command, args, { timeout: 60_000 });
  } catch (error) {
    const { stdout, stderr, code } = error as { stdout?: string; stderr?: string; code?: number };
    const said = `${stdout ?? ''}${stderr ?? ''}`.trim();
    throw new Error(`${command} ${args.join(' ')} exited ${code}: ${said}`);
  }
}

const cluster = () => ['--skip-systemctl-redirect', pgVersion(), 'main'];

export const postgres = {
  stop: () => run('pg_ctlcluster', [...cluster(), 'stop', '-m', 'fast']),
  /** Idempotent, so cleanup can call it whatever state a failed test left behind. */
  start: async () => {
    try {
      await run('pg_ctlcluster', [...cluster(), 'start']);
    } catch (error) {
      if (!(error as Error).message.includes('already running')) throw error;
    }
  },
};

export const rabbitmq = {
  /** Stops the broker application (every connection drops) while the Erlang node stays up. */
  stop: () => run('rabbitmqctl', ['stop_app']),
  start: async () => {
    await run('rabbitmqctl', ['start_app']);
    await run('rabbitmqctl', ['await_startup']);
  },
};

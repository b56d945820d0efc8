import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';

/** Stops and starts the machine's real PostgreSQL and RabbitMQ, as an operator would. */
const pgVersion = () => readdirSync('/etc/postgresql')[0];

function run(command: string, args: string[]): void {
  try {
    execFileSync(command, args, { stdio: 'pipe', timeout: 60_000 });
  } catch (error) {
    const { stdout, stderr, status } = error as {
      stdout?: Buffer;
      stderr?: Buffer;
      status?: number;
    };
    const said = `${String(stdout ?? '')}${String(stderr ?? '')}`.trim();
    throw new Error(`${command} ${args.join(' ')} exited ${status}: ${said}`);
  }
}

const cluster = () => ['--skip-systemctl-redirect', pgVersion(), 'main'];

export const postgres = {
  stop: () => run('pg_ctlcluster', [...cluster(), 'stop', '-m', 'fast']),
  /** Idempotent, so cleanup can call it whatever state a failed test left behind. */
  start: () => {
    try {
      run('pg_ctlcluster', [...cluster(), 'start']);
    } catch (error) {
      if (!(error as Error).message.includes('already running')) throw error;
    }
  },
};

export const rabbitmq = {
  /** Stops the broker application (every connection drops) while the Erlang node stays up. */
  stop: () => run('rabbitmqctl', ['stop_app']),
  start: () => {
    run('rabbitmqctl', ['start_app']);
    run('rabbitmqctl', ['await_startup']);
  },
};

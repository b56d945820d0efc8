import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';

/** Stops and starts the machine's real PostgreSQL and RabbitMQ, as an operator would. */
const pgVersion = () => readdirSync('/etc/postgresql')[0];

function run(command: string, args: string[]): void {
  execFileSync(command, args, { stdio: 'pipe', timeout: 60_000 });
}

export const postgres = {
  stop: () =>
    run('pg_ctlcluster', ['--skip-systemctl-redirect', pgVersion(), 'main', 'stop', '-m', 'fast']),
  start: () => run('pg_ctlcluster', ['--skip-systemctl-redirect', pgVersion(), 'main', 'start']),
};

export const rabbitmq = {
  /** Stops the broker application (every connection drops) while the Erlang node stays up. */
  stop: () => run('rabbitmqctl', ['stop_app']),
  start: () => {
    run('rabbitmqctl', ['start_app']);
    run('rabbitmqctl', ['await_startup']);
  },
};

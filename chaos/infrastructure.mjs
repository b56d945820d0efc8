import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Runs an operator's command; its output goes into the error when it fails. */
async function command(file, args, timeout = 90_000) {
  try {
    await run(file, args, { timeout });
  } catch (error) {
    const said = `${error.stdout ?? ''}${error.stderr ?? ''}`.trim();
    throw new Error(`${file} ${args.join(' ')} failed (${error.code ?? error.signal}): ${said}`);
  }
}

const cluster = () => ['--skip-systemctl-redirect', readdirSync('/etc/postgresql')[0], 'main'];

/** The machine's one PostgreSQL, stopped and started as an operator would. */
export const postgres = {
  stop: () => command('pg_ctlcluster', [...cluster(), 'stop', '-m', 'fast']),
  async start() {
    if (await this.isReady()) return;
    await command('pg_ctlcluster', [...cluster(), 'start']).catch((error) => {
      if (!error.message.includes('already running')) throw error;
    });
    await this.waitReady();
  },
  async isReady() {
    return run('pg_isready', ['-h', '127.0.0.1', '-q']).then(
      () => true,
      () => false,
    );
  },
  async waitReady(timeoutMs = 60_000) {
    const deadline = Date.now() + timeoutMs;
    while (!(await this.isReady())) {
      if (Date.now() > deadline) throw new Error('PostgreSQL did not come back within a minute');
      await sleep(200);
    }
  },
};

/** The machine's one RabbitMQ: the application stops (every connection drops), the node stays. */
export const rabbitmq = {
  stop: () => command('rabbitmqctl', ['-q', 'stop_app']),
  async start() {
    await command('rabbitmqctl', ['-q', 'start_app']);
    await command('rabbitmqctl', ['-q', 'await_startup', '--timeout', '120']);
  },
};

/** Both back up, whatever state a fault or a crash left them in. */
export async function restoreInfrastructure() {
  const problems = [];
  await postgres.start().catch((error) => problems.push(error.message));
  await rabbitmq.start().catch((error) => problems.push(error.message));
  if (problems.length > 0) throw new Error(problems.join('; '));
}

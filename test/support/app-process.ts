import { spawn, type ChildProcess } from 'node:child_process';
import { eventuallyValue } from './eventually.js';

export const ROOT = new URL('../../', import.meta.url).pathname;

export interface RunningApp {
  name: string;
  url: string;
  process: ChildProcess;
  /** Everything the app wrote to stdout and stderr so far. */
  output(): string;
  exited: Promise<number | null>;
}

/** Starts a built app (`dist/apps/<name>/main.js`) as a real process. */
export function launchApp(name: string, env: Record<string, string>): RunningApp {
  const child = spawn(process.execPath, [`dist/apps/${name}/main.js`], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'info', SHUTDOWN_GRACE_MS: '300', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  return {
    name,
    url: `http://127.0.0.1:${env.PORT}`,
    process: child,
    output: () => output,
    exited,
  };
}

export async function statusOf(url: string): Promise<number> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
    return response.status;
  } catch {
    return 0;
  }
}

/** Polls until `url` answers with `status`, or fails after `timeoutMs` with what it last saw. */
export async function waitForStatus(
  url: string,
  status: number,
  timeoutMs = 30_000,
): Promise<void> {
  await eventuallyValue(
    () => statusOf(url),
    (answered) => answered === status,
    { timeoutMs, intervalMs: 200, what: `${url} answers ${status}` },
  );
}

export async function stopApp(
  app: RunningApp,
  signal: NodeJS.Signals = 'SIGTERM',
): Promise<number | null> {
  if (app.process.exitCode === null && app.process.signalCode === null) app.process.kill(signal);
  return app.exited;
}

import { spawn } from 'node:child_process';
import process from 'node:process';

/** The harness's side of chaos/watchdog.mjs. */
export class Watchdog {
  /** `lockFd`: the shared lock's descriptor, handed on so the watchdog holds the lock too. */
  constructor(lockFd) {
    const stdio = ['ignore', 'inherit', 'inherit', 'ipc'];
    if (lockFd !== undefined) stdio.push(lockFd);
    this.child = spawn(process.execPath, [new URL('./watchdog.mjs', import.meta.url).pathname], {
      stdio,
      detached: true,
    });
  }

  /** The processes to kill should the harness die. */
  watch(pids) {
    if (this.child.connected) this.child.send({ pids });
  }

  /** Everything is clean: the watchdog leaves without doing anything. */
  async release() {
    if (!this.child.connected) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.send({ done: true });
    await exited;
  }
}

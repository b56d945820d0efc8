import { fork } from 'node:child_process';

/** The harness's side of chaos/proxy-host.mjs: one call per IPC request, answered in order. */
export class Proxies {
  constructor() {
    this.host = fork(new URL('./proxy-host.mjs', import.meta.url), [], { stdio: 'inherit' });
    this.nextId = 0;
    this.waiting = new Map();
    this.host.on('message', ({ id, ok, result, error }) => {
      const pending = this.waiting.get(id);
      this.waiting.delete(id);
      if (ok) pending?.resolve(result);
      else pending?.reject(new Error(error));
    });
    this.host.on('exit', (code) => {
      for (const pending of this.waiting.values()) {
        pending.reject(new Error(`the proxy host exited (${code})`));
      }
      this.waiting.clear();
    });
  }

  request(op, args = {}) {
    const id = (this.nextId += 1);
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.host.send({ id, op, ...args });
    });
  }

  open(name, listenPort, targetPort) {
    return this.request('open', { name, listenPort, targetPort });
  }

  cut(name, refuseMs) {
    return this.request('cut', { name, refuseMs });
  }

  delay(name, ms) {
    return this.request('delay', { name, ms });
  }

  restore(name) {
    return this.request('restore', { name });
  }

  restoreAll() {
    return this.request('restoreAll');
  }

  stats() {
    return this.request('stats');
  }

  async close() {
    if (this.host.exitCode !== null || !this.host.connected) return;
    await this.request('closeAll').catch(() => undefined);
    this.host.disconnect();
  }
}

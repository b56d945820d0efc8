// The harness's TCP proxies, in a process of their own so that the load driver's work never
// stalls the apps' database and broker traffic. Controlled over IPC by chaos/proxies.mjs.
import process from 'node:process';
import { TcpProxy } from './tcp-proxy.mjs';

const proxies = new Map();

const operations = {
  async open({ name, listenPort, targetPort }) {
    const proxy = new TcpProxy({ name, listenPort, targetPort });
    await proxy.listen();
    proxies.set(name, proxy);
  },
  cut: ({ name, refuseMs }) => proxyNamed(name).cut(refuseMs),
  delay: ({ name, ms }) => proxyNamed(name).delay(ms),
  restore: ({ name }) => proxyNamed(name).restore(),
  restoreAll: () => proxies.forEach((proxy) => proxy.restore()),
  stats: () => Object.fromEntries([...proxies].map(([name, proxy]) => [name, proxy.stats])),
  async closeAll() {
    await Promise.all([...proxies.values()].map((proxy) => proxy.close()));
    proxies.clear();
  },
};

function proxyNamed(name) {
  const proxy = proxies.get(name);
  if (!proxy) throw new Error(`no proxy named ${name}`);
  return proxy;
}

process.on('message', async ({ id, op, ...args }) => {
  try {
    const result = await operations[op](args);
    process.send({ id, ok: true, result });
  } catch (error) {
    process.send({ id, ok: false, error: error.message });
  }
});
// The harness is gone (even killed): nothing may keep the ports.
process.on('disconnect', () => process.exit(0));

import { connect, createServer } from 'node:net';
import { setTimeout } from 'node:timers';

/**
 * A TCP proxy between one app instance and PostgreSQL or RabbitMQ that the harness can disturb:
 * `cut()` drops every connection at once (both sides see a reset) and refuses new ones for a
 * while; `delay()` holds every chunk, both ways, for a fixed time before passing it on.
 */
export class TcpProxy {
  constructor({ name, listenPort, targetHost = '127.0.0.1', targetPort }) {
    this.name = name;
    this.listenPort = listenPort;
    this.target = { host: targetHost, port: targetPort };
    this.latencyMs = 0;
    this.refuseUntil = 0;
    this.pairs = new Set();
    this.stats = { connections: 0, refused: 0, cut: 0 };
    this.server = createServer((client) => this.accept(client));
  }

  listen() {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.listenPort, '127.0.0.1', () => resolve(this));
    });
  }

  /** Drops every open connection; new ones are refused for `refuseMs`. */
  cut(refuseMs = 0) {
    this.refuseUntil = Date.now() + refuseMs;
    for (const pair of this.pairs) {
      this.stats.cut += 1;
      pair.client.destroy();
      pair.upstream.destroy();
    }
    this.pairs.clear();
  }

  /** Every chunk, both ways, waits `ms` before it is passed on (0 passes at once). */
  delay(ms) {
    this.latencyMs = ms;
  }

  restore() {
    this.latencyMs = 0;
    this.refuseUntil = 0;
  }

  close() {
    this.cut();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  accept(client) {
    client.setNoDelay(true);
    if (Date.now() < this.refuseUntil) {
      this.stats.refused += 1;
      client.destroy();
      return;
    }
    this.stats.connections += 1;
    const upstream = connect(this.target);
    upstream.setNoDelay(true);
    const pair = { client, upstream };
    this.pairs.add(pair);
    const drop = () => {
      this.pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    this.forward(client, upstream);
    this.forward(upstream, client);
  }

  /** Passes chunks on in order; with latency, each is held until `latencyMs` after it came. */
  forward(from, to) {
    let lastDue = 0;
    from.on('data', (chunk) => {
      if (this.latencyMs === 0 && lastDue <= Date.now()) {
        to.write(chunk);
        return;
      }
      // Never overtake a chunk still held back, even when the latency was just lowered.
      const due = Math.max(Date.now() + this.latencyMs, lastDue);
      lastDue = due;
      setTimeout(() => {
        if (!to.destroyed) to.write(chunk);
      }, due - Date.now());
    });
  }
}

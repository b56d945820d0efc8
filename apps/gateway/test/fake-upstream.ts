import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export type FakeHandler = (
  request: RecordedRequest,
  response: ServerResponse,
  raw: IncomingMessage,
) => void;

/**
 * A stand-in service over real HTTP: records what it receives, answers as the test says. It is
 * healthy: it answers the gateway's readiness checks itself, without recording them.
 */
export class FakeUpstream {
  readonly requests: RecordedRequest[] = [];
  handler: FakeHandler = (_request, response) => answer(response, 404, { message: 'no route' });
  private readonly server: Server;

  constructor() {
    this.server = createServer((raw, response) => {
      let body = '';
      raw.setEncoding('utf8');
      raw.on('data', (chunk: string) => (body += chunk));
      raw.on('end', () => {
        if (raw.url === '/health/ready') return answer(response, 200, { status: 'ok' });
        const request = {
          method: raw.method ?? '',
          url: raw.url ?? '',
          headers: raw.headers,
          body,
        };
        this.requests.push(request);
        this.handler(request, response, raw);
      });
    });
  }

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  reset(handler: FakeHandler): void {
    this.requests.length = 0;
    this.handler = handler;
  }

  last(): RecordedRequest {
    const request = this.requests.at(-1);
    if (!request) throw new Error('the fake upstream received no request');
    return request;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

export function answer(response: ServerResponse, status: number, body?: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(body === undefined ? undefined : JSON.stringify(body));
}

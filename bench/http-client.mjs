// A lean HTTP/1.1 client for the drivers: kept-alive connections, JSON in and out, and a
// server-sent events reader. node:http costs the driver less CPU than fetch, and the driver
// shares the machine with the system it measures.
import { Buffer } from 'node:buffer';
import { Agent, request } from 'node:http';

const agent = new Agent({ keepAlive: true, maxSockets: Infinity });
const REQUEST_TIMEOUT_MS = 30_000;

/**
 * A kept-alive connection the server closed just as it was reused fails with ECONNRESET before
 * the request reached the server (Node's documented race): that one case is safe to send again.
 */
const closedWhileReused = (req, error) => req.reusedSocket && error.code === 'ECONNRESET';

/** Sends a JSON request; resolves with the status and the parsed body (or the raw text). */
export function requestJson(url, options = {}, retried = false) {
  const { method = 'GET', headers = {}, body, timeoutMs = REQUEST_TIMEOUT_MS } = options;
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = request(url, {
      method,
      agent,
      headers: {
        accept: 'application/json',
        ...(payload === undefined
          ? {}
          : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }),
        ...headers,
      },
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`${method} ${url} timed out`)));
    req.on('error', (error) =>
      !retried && closedWhileReused(req, error)
        ? resolve(requestJson(url, options, true))
        : reject(error),
    );
    req.once('response', (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk) => (text += chunk));
      response.on('error', reject);
      response.once('end', () => resolve({ status: response.statusCode, body: parsed(text) }));
    });
    req.end(payload);
  });
}

function parsed(text) {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * Follows a server-sent event stream until `isLast(data)` says an event's JSON data is the last
 * one wanted, then closes it. Resolves with that data, or with undefined when the stream ended
 * first; rejects on a status other than 200.
 */
export function followEvents(url, headers, isLast, retried = false) {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent, headers: { accept: 'text/event-stream', ...headers } });
    req.setTimeout(REQUEST_TIMEOUT_MS, () => req.destroy(new Error(`GET ${url} went quiet`)));
    req.on('error', (error) =>
      !retried && closedWhileReused(req, error)
        ? resolve(followEvents(url, headers, isLast, true))
        : reject(error),
    );
    req.once('response', (response) => {
      if (response.statusCode !== 200) {
        response.resume();
        reject(new Error(`GET ${url} answered ${response.statusCode}`));
        return;
      }
      let buffer = '';
      response.setEncoding('utf8');
      response.on('data', (chunk) => {
        buffer += chunk;
        let end;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const data = dataOf(buffer.slice(0, end));
          buffer = buffer.slice(end + 2);
          if (data !== undefined && isLast(data)) {
            resolve(data);
            // The connection is not reused: the stream would go on until the server ends it.
            req.destroy();
            return;
          }
        }
      });
      response.once('end', () => resolve(undefined));
      response.on('error', reject);
    });
    req.end();
  });
}

/** The JSON of an event's `data:` lines, or undefined for a comment or keep-alive. */
function dataOf(event) {
  const lines = event
    .split('\n')
    .filter((line) => line.startsWith('data:'))
    .map((line) => line.slice(5).trimStart());
  return lines.length === 0 ? undefined : parsed(lines.join('\n'));
}

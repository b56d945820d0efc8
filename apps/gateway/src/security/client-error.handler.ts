import { randomUUID } from 'node:crypto';
import type { Duplex } from 'node:stream';

/**
 * A request Node cannot parse (a flood of headers, a malformed request line) fails before any
 * route, where the HTTP server would answer a bare status line. This answers it in the public
 * error shape instead, with a request id, then closes the connection.
 */
export function answerClientErrorInShape(error: Error & { code?: string }, socket: Duplex): void {
  if (!socket.writable) return void socket.destroy();
  const tooLarge = error.code === 'HPE_HEADER_OVERFLOW';
  const status = tooLarge ? 431 : 400;
  const reason = tooLarge ? 'Request Header Fields Too Large' : 'Bad Request';
  const requestId = randomUUID();
  const body = JSON.stringify({
    statusCode: status,
    error: reason,
    message: tooLarge ? 'The request headers are too large' : 'The request is malformed',
    requestId,
  });
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\n` +
      'content-type: application/json; charset=utf-8\r\n' +
      `content-length: ${Buffer.byteLength(body)}\r\n` +
      `x-request-id: ${requestId}\r\n` +
      'x-content-type-options: nosniff\r\n' +
      'connection: close\r\n\r\n' +
      body,
  );
}

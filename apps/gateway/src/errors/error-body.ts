import { STATUS_CODES } from 'node:http';
import { HttpException, HttpStatus } from '@nestjs/common';
import { GatewayError } from './gateway.error.js';

/** The one error shape of the public API (docs/api.md). */
export interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
  requestId: string;
  details?: unknown;
}

/** Turns anything thrown into the public error shape; an unknown error says nothing but 500. */
export function errorBodyOf(exception: unknown, requestId: string): ErrorBody {
  if (exception instanceof GatewayError) {
    return bodyOf(exception.status, exception.message, requestId, exception.details);
  }
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    const response = exception.getResponse();
    if (typeof response === 'string') return bodyOf(status, response, requestId);
    const { message, details } = response as { message?: unknown; details?: unknown };
    return bodyOf(status, messageOf(message) ?? reasonOf(status), requestId, details);
  }
  return bodyOf(HttpStatus.INTERNAL_SERVER_ERROR, 'Internal server error', requestId);
}

function bodyOf(status: number, message: string, requestId: string, details?: unknown): ErrorBody {
  return {
    statusCode: status,
    error: reasonOf(status),
    message,
    requestId,
    ...(details === undefined ? {} : { details }),
  };
}

function messageOf(message: unknown): string | undefined {
  if (typeof message === 'string') return message;
  if (Array.isArray(message)) return message.map(String).join('; ');
  return undefined;
}

function reasonOf(status: number): string {
  return STATUS_CODES[status] ?? 'Error';
}

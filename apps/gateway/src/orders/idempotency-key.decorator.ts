import type { IncomingMessage } from 'node:http';
import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { ZodValidationPipe } from '@app/validation';
import { IdempotencyKey } from './place-order.request.js';

const pipe = new ZodValidationPipe(IdempotencyKey, 'Idempotency-Key header', 'Idempotency-Key');

/** The `Idempotency-Key` header, required: 400 when it is missing or too long. */
export const IdempotencyKeyHeader = createParamDecorator(
  (_data: unknown, context: ExecutionContext): string =>
    pipe.transform(context.switchToHttp().getRequest<IncomingMessage>().headers['idempotency-key']),
);

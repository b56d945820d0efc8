import { applyDecorators, HttpStatus } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiHeader,
  ApiParam,
  ApiQuery,
  ApiResponse,
  type ApiResponseOptions,
} from '@nestjs/swagger';
import { z } from 'zod';
import { apiSchemas, ErrorAnswer } from './api-schemas.js';

/** Inline JSON Schema of one value (a parameter, a header) in OpenAPI 3.0's dialect. */
export function jsonSchemaOf(schema: z.ZodType): Record<string, unknown> {
  return z.toJSONSchema(schema, { target: 'openapi-3.0', io: 'input', unrepresentable: 'any' });
}

/** A reference to a named schema of the document; naming it in `apiSchemas` is required. */
export function refOf(schema: z.ZodType): { $ref: string } {
  const id = apiSchemas.get(schema)?.id;
  if (!id) throw new Error('The schema has no id in apiSchemas');
  return { $ref: `#/components/schemas/${id}` };
}

const ERRORS: Record<number, string> = {
  [HttpStatus.BAD_REQUEST]:
    'Malformed JSON, a field that fails its schema, an unknown field, or a missing header; `details` names every field',
  [HttpStatus.UNAUTHORIZED]: 'No bearer token, or one that is invalid or expired',
  [HttpStatus.FORBIDDEN]: 'The caller’s role may not do this',
  [HttpStatus.NOT_FOUND]: 'Not found, or not the caller’s',
  [HttpStatus.CONFLICT]: 'The status of the saga (or dead letter) does not allow this action',
  [HttpStatus.PAYLOAD_TOO_LARGE]: 'The body is larger than the gateway’s BODY_LIMIT',
  [HttpStatus.UNPROCESSABLE_ENTITY]:
    'A service refused the request, e.g. an Idempotency-Key reused with another body',
  [HttpStatus.TOO_MANY_REQUESTS]:
    'Too many requests from this client; retry after Retry-After seconds',
  [HttpStatus.SERVICE_UNAVAILABLE]:
    'A service behind the gateway is unavailable; retry after Retry-After seconds',
};

/** Error answers of a route, each in the one error shape. */
export function ApiErrors(...statuses: HttpStatus[]): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ...statuses.map((status) =>
      ApiResponse({ status, description: ERRORS[status] ?? 'Error', schema: refOf(ErrorAnswer) }),
    ),
  );
}

/** A route that needs a bearer token: answers 401 without one, 429 and 503 like any route. */
export function ApiCaller(): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ApiBearerAuth(),
    ApiErrors(
      HttpStatus.UNAUTHORIZED,
      HttpStatus.TOO_MANY_REQUESTS,
      HttpStatus.SERVICE_UNAVAILABLE,
    ),
  );
}

/** A JSON body validated by `schema`: 400 when it fails, 413 when it is too large. */
export function ApiJsonBody(schema: z.ZodType): MethodDecorator {
  return applyDecorators(
    ApiBody({ required: true, schema: refOf(schema) }),
    ApiErrors(HttpStatus.BAD_REQUEST, HttpStatus.PAYLOAD_TOO_LARGE),
  );
}

/** The success answer of a route. */
export function ApiAnswer(
  status: HttpStatus,
  description: string,
  schema?: z.ZodType,
  options: Pick<ApiResponseOptions, 'content'> = {},
): MethodDecorator {
  return ApiResponse({
    status,
    description,
    ...(schema ? { schema: refOf(schema) } : {}),
    ...options,
  });
}

/** A UUID route parameter: 400 when it is not one. */
export function ApiUuidParam(name: string, description: string): MethodDecorator {
  return applyDecorators(
    ApiParam({ name, description, schema: { type: 'string', format: 'uuid' } }),
    ApiErrors(HttpStatus.BAD_REQUEST),
  );
}

/** Every parameter of a query schema, from the schema the route validates with. */
export function ApiQueryOf(schema: z.ZodObject): MethodDecorator {
  return applyDecorators(
    ...(Object.entries(schema.shape) as [string, z.ZodType][]).map(([name, field]) =>
      ApiQuery({
        name,
        required: !field.safeParse(undefined).success,
        schema: jsonSchemaOf(field),
      }),
    ),
    ApiErrors(HttpStatus.BAD_REQUEST),
  );
}

/** A required header validated by `schema`. */
export function ApiRequiredHeader(
  name: string,
  description: string,
  schema: z.ZodType,
): MethodDecorator {
  return ApiHeader({ name, description, required: true, schema: jsonSchemaOf(schema) });
}

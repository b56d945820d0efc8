import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { z } from 'zod';
import { apiSchemas } from './api-schemas.js';

const DESCRIPTION = [
  'The public API of Sagaflow. Every `/api` route needs `Authorization: Bearer <jwt>` unless marked open;',
  'locally `POST /api/auth/dev-token` issues one. Money is `{ amount, currency }` in minor units.',
  'Every error has one shape: `{ statusCode, error, message, requestId, details? }`.',
].join(' ');

/** The OpenAPI document of every route the gateway serves, with the named schemas it uses. */
export function openApiDocumentOf(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Sagaflow API')
    .setDescription(DESCRIPTION)
    .setVersion('1')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' })
    .build();
  const document = SwaggerModule.createDocument(app, config);
  document.components = {
    ...document.components,
    schemas: { ...document.components?.schemas, ...namedSchemas() },
  };
  return document;
}

/** Swagger UI at `/docs` and the document at `/docs-json`, both open. */
export function serveApiDocs(app: INestApplication): void {
  SwaggerModule.setup('docs', app, () => openApiDocumentOf(app));
}

function namedSchemas(): Record<string, Record<string, unknown>> {
  const { schemas } = z.toJSONSchema(apiSchemas, {
    target: 'openapi-3.0',
    io: 'input',
    metadata: apiSchemas,
    uri: (id) => `#/components/schemas/${id}`,
  });
  // `$id` is not an OpenAPI 3.0 keyword; the component's name already identifies it.
  return Object.fromEntries(
    Object.entries(schemas).map(([id, { $id: _id, ...schema }]) => [id, schema]),
  );
}

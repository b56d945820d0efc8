import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import type { OpenAPIObject } from '@nestjs/swagger';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { Validator } from '@seriousme/openapi-schema-validator';
import { loadGatewayConfig } from '../gateway.config.js';
import { GatewayModule } from '../gateway.module.js';
import { openApiDocumentOf } from './openapi.document.js';

/** The public API of docs/api.md, as OpenAPI paths. */
const PUBLIC_ROUTES = [
  'post /api/auth/dev-token',
  'post /api/customers',
  'get /api/customers/{id}/credit',
  'post /api/orders',
  'get /api/orders/{id}',
  'get /api/orders',
  'post /api/orders/{id}/cancel',
  'get /api/sagas/{id}',
  'get /api/sagas/{id}/events',
  'get /api/sagas',
  'post /api/sagas/{id}/retry',
  'post /api/sagas/{id}/compensate',
  'post /api/sagas/bulk-actions',
  'post /api/sagas/{id}/restart-from/{step}',
  'get /api/dead-letters',
  'post /api/dead-letters/{id}/replay',
  'post /api/dead-letters/{id}/discard',
  'get /api/registry',
  'get /health/live',
  'get /health/ready',
  'get /metrics',
];

let app: INestApplication;
let document: OpenAPIObject;

beforeAll(async () => {
  const config = loadGatewayConfig({ LOG_LEVEL: 'silent' });
  const module = await Test.createTestingModule({
    imports: [GatewayModule.register(config)],
  }).compile();
  app = module.createNestApplication(new FastifyAdapter(), { logger: false });
  document = openApiDocumentOf(app);
});

afterAll(async () => {
  await app?.close();
});

function operation(route: string) {
  const [method, path] = route.split(' ') as [string, string];
  return (document.paths[path] as Record<string, Record<string, unknown>> | undefined)?.[method];
}

describe(openApiDocumentOf.name, () => {
  it('is a valid OpenAPI 3 document', async () => {
    const result = await new Validator().validate(
      JSON.parse(JSON.stringify(document)) as Record<string, unknown>,
    );
    expect(result.errors).toBeUndefined();
    expect(result.valid).toBe(true);
    expect(document.openapi).toMatch(/^3\./);
  });

  it('describes every public route', () => {
    const missing = PUBLIC_ROUTES.filter((route) => !operation(route));
    expect(missing).toEqual([]);
  });

  it('asks for a bearer token on every /api route but the dev token', () => {
    expect(document.components?.securitySchemes?.bearer).toMatchObject({
      type: 'http',
      scheme: 'bearer',
      bearerFormat: 'JWT',
    });
    const api = PUBLIC_ROUTES.filter(
      (route) => route.includes(' /api/') && !route.includes('dev-token'),
    );
    for (const route of api) {
      expect([route, operation(route)?.security]).toEqual([route, [{ bearer: [] }]]);
      expect([route, Object.keys(operation(route)?.responses ?? {})]).toEqual([
        route,
        expect.arrayContaining(['401', '429', '503']),
      ]);
    }
    expect(operation('post /api/auth/dev-token')?.security).toBeUndefined();
  });

  it('documents the order body, the Idempotency-Key header and every refusal', () => {
    const placeOrder = operation('post /api/orders') as {
      parameters: { name: string; in: string; required: boolean }[];
      requestBody: { content: Record<string, { schema: unknown }> };
      responses: Record<string, { content?: Record<string, { schema: unknown }> }>;
    };
    expect(placeOrder.parameters).toContainEqual(
      expect.objectContaining({ name: 'Idempotency-Key', in: 'header', required: true }),
    );
    expect(placeOrder.requestBody.content['application/json']?.schema).toEqual({
      $ref: '#/components/schemas/PlaceOrderRequest',
    });
    expect(Object.keys(placeOrder.responses).sort()).toEqual(
      ['202', '400', '401', '403', '413', '422', '429', '503'].sort(),
    );
    expect(placeOrder.responses['400']?.content?.['application/json']?.schema).toEqual({
      $ref: '#/components/schemas/Error',
    });
  });

  it('names Money and the error shape as the API defines them', () => {
    const schemas = document.components?.schemas ?? {};
    expect(schemas.Money).toMatchObject({
      type: 'object',
      required: ['amount', 'currency'],
      properties: { amount: { type: 'integer' }, currency: { pattern: '^[A-Z]{3}$' } },
    });
    expect(schemas.Error).toMatchObject({
      required: ['statusCode', 'error', 'message', 'requestId'],
      properties: { details: { type: 'array' } },
    });
    expect(schemas.PlaceOrderRequest).toMatchObject({
      additionalProperties: false,
      properties: { total: { $ref: '#/components/schemas/PositiveMoney' } },
    });
  });
});

import { Money } from '@app/contracts';
import { z } from 'zod';
import { DevTokenRequest } from '../auth/dev-token.request.js';
import { CreateCustomerRequest } from '../customers/create-customer.request.js';
import { DEAD_LETTER_STATUSES } from '../dead-letters/list-dead-letters.query.js';
import { PlaceOrderRequest } from '../orders/place-order.request.js';
import { BulkActionRequest } from '../sagas/bulk-action.request.js';
import { SAGA_STATUSES } from '@app/contracts';
import { NonNegativeMoney, PositiveMoney } from '../validation/money.schema.js';

/**
 * Every named schema of the OpenAPI document. Request bodies are the very schemas the routes
 * validate with, so the document cannot drift from the checks; answers are described here.
 */
export const apiSchemas = z.registry<{ id: string; description?: string }>();

const Uuid = z.uuid();
const Timestamp = z.iso.datetime({ offset: true });
const page = <T extends z.ZodType>(item: T) =>
  z.object({
    items: z.array(item),
    nextCursor: z
      .string()
      .nullable()
      .describe('Pass as `cursor` for the next page; null at the end'),
  });

export const ErrorAnswer = z.object({
  statusCode: z.int(),
  error: z.string().describe('The reason phrase of the status'),
  message: z.string(),
  requestId: z.string().describe('Also in the x-request-id header; quote it when reporting'),
  details: z
    .array(z.object({ field: z.string(), message: z.string() }))
    .optional()
    .describe('Every field that failed validation'),
});

export const AccessTokenAnswer = z.object({ accessToken: z.string() });

export const CustomerAnswer = z.object({
  id: Uuid,
  name: z.string(),
  creditLimit: Money,
  availableCredit: Money,
});

export const CustomerCreditAnswer = z.object({
  customerId: Uuid,
  creditLimit: Money,
  availableCredit: Money,
  reserved: Money,
});

export const PlacedOrderAnswer = z.object({
  orderId: Uuid,
  sagaId: Uuid,
  status: z.literal('PENDING'),
});

export const CancelledOrderAnswer = z.object({
  orderId: Uuid,
  sagaId: Uuid.describe('The cancel-order saga: follow it at /api/sagas/{sagaId}'),
});

export const OrderAnswer = z.object({
  id: Uuid,
  customerId: Uuid.nullable().describe('Null only for an order rejected before it was created'),
  total: Money.nullable(),
  status: z
    .enum(['PENDING', 'APPROVED', 'REJECTED', 'CANCELLING', 'CANCELLED'])
    .describe('PENDING and CANCELLING: a saga is deciding the order'),
  rejectionReason: z.string().optional(),
  cancellableUntil: Timestamp.optional().describe(
    'An approved order: until when its customer may cancel it',
  ),
  cancellationFailure: z
    .string()
    .optional()
    .describe('An approved order whose cancellation failed: why'),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});

export const OrderPage = page(OrderAnswer);

const SagaStatus = z.enum(SAGA_STATUSES);

export const SagaSummaryAnswer = z.object({
  id: Uuid,
  type: z.string(),
  status: SagaStatus,
  definitionVersion: z.int(),
  customerId: Uuid.nullable(),
  subject: z
    .string()
    .nullable()
    .describe('What the saga acts on, as `<kind>:<id>` (`order:…`); one live saga per subject'),
  orderId: Uuid.nullable().describe('The order, when the subject is one'),
  createdAt: Timestamp,
  updatedAt: Timestamp,
  lastError: z.string().optional(),
});

export const SagaStepAnswer = z.object({
  step: z.string(),
  direction: z.enum(['forward', 'backward']),
  event: z.string(),
  messageType: z.string().nullable(),
  messageId: z.string().nullable(),
  detail: z.string().nullable(),
  status: SagaStatus,
  at: Timestamp,
});

export const SagaAnswer = SagaSummaryAnswer.extend({
  traceId: z
    .string()
    .nullable()
    .describe('The W3C trace the saga started in: every message it sends continues it'),
  steps: z.array(SagaStepAnswer),
});

export const SagaPage = page(SagaSummaryAnswer);

export const SagaActionAnswer = z.object({ id: Uuid, status: SagaStatus });

export const BulkActionAnswer = z.object({
  action: z.enum(['retry', 'compensate']),
  dryRun: z.boolean(),
  sagas: z.array(
    SagaSummaryAnswer.extend({
      step: z.string().nullable().describe('The step the saga is at'),
      outcome: z
        .enum(['accepted', 'refused'])
        .optional()
        .describe('Unless a dry run: whether the action was taken for this saga'),
      reason: z.string().optional().describe('Why it was refused'),
    }),
  ),
  truncated: z.boolean().describe('More sagas matched than one call touches (100)'),
});

export const ServiceInstanceAnswer = z.object({
  service: z.string(),
  id: z.string(),
  url: z.url(),
  status: z.string(),
  lastCheck: Timestamp.nullable(),
  failures: z.int(),
});

export const RegistryAnswer = z.array(ServiceInstanceAnswer);

export const DeadLetterAnswer = z.object({
  id: Uuid.describe('The dead letter (not the message)'),
  queue: z.string().describe('The queue the message failed in, e.g. `credit.commands`'),
  messageId: z.string(),
  type: z.string().nullable().describe('Its message type; null when it had none'),
  sagaId: z.string().nullable(),
  reason: z.string().describe('Why its consumer (or the broker) gave up on it'),
  deadLetteredAt: Timestamp,
  ageSeconds: z.int().describe('Seconds since it was dead-lettered'),
  status: z.enum(DEAD_LETTER_STATUSES),
  resolvedAt: Timestamp.nullable().describe('When it was replayed or discarded'),
  replayable: z.boolean().describe('False for a message the system did not send: discard it'),
});

export const DeadLetterPage = page(DeadLetterAnswer);

const named: [z.ZodType, string, string][] = [
  [Money, 'Money', 'An amount in minor units (cents) and its ISO 4217 currency'],
  [PositiveMoney, 'PositiveMoney', 'Money greater than zero'],
  [NonNegativeMoney, 'NonNegativeMoney', 'Money of zero or more'],
  [ErrorAnswer, 'Error', 'The one shape of every error'],
  [DevTokenRequest, 'DevTokenRequest', 'A customer token names its customer; an admin none'],
  [AccessTokenAnswer, 'AccessToken', 'A bearer token for the Authorization header'],
  [CreateCustomerRequest, 'CreateCustomerRequest', 'A new customer and its credit limit'],
  [CustomerAnswer, 'Customer', 'A customer and its credit'],
  [CustomerCreditAnswer, 'CustomerCredit', 'A customer’s limit, what is free and what is held'],
  [PlaceOrderRequest, 'PlaceOrderRequest', 'Only an admin names the customer'],
  [PlacedOrderAnswer, 'PlacedOrder', 'The order and the saga placing it'],
  [OrderAnswer, 'Order', 'An order as its customer sees it'],
  [CancelledOrderAnswer, 'CancelledOrder', 'The order and the saga cancelling it'],
  [OrderPage, 'OrderPage', 'A page of orders, newest first'],
  [SagaAnswer, 'Saga', 'A saga and its timeline'],
  [SagaSummaryAnswer, 'SagaSummary', 'A saga without its timeline'],
  [SagaStepAnswer, 'SagaStep', 'One command sent or reply received'],
  [SagaPage, 'SagaPage', 'A page of sagas, newest first'],
  [SagaActionAnswer, 'SagaAction', 'The saga an operator acted on and its status now'],
  [BulkActionRequest, 'BulkActionRequest', 'Which sagas to repair at once, and how'],
  [BulkActionAnswer, 'BulkAction', 'The sagas a bulk action touched (or would touch)'],
  [ServiceInstanceAnswer, 'ServiceInstance', 'One instance of a service as the gateway sees it'],
  [RegistryAnswer, 'Registry', 'Every known instance of every service'],
  [DeadLetterAnswer, 'DeadLetter', 'A message no consumer could handle, and what became of it'],
  [DeadLetterPage, 'DeadLetterPage', 'A page of dead letters, newest first'],
];
for (const [schema, id, description] of named) apiSchemas.add(schema, { id, description });

export { Money } from './money.js';
export {
  defineCommand,
  defineFailure,
  defineReply,
  type CommandDefinition,
  type FailureCodeOf,
  type FailureCodes,
  type FailureDefinition,
  type FailureSchema,
  type MessageDefinition,
  type MessageType,
  type PayloadOf,
  type ReplyDefinition,
  type ResultOf,
} from './message-definition.js';
export * as order from './order.messages.js';
export * as credit from './credit.messages.js';
export * as payment from './payment.messages.js';
export { SAGA_STATUSES, type SagaStatus } from './saga-status.js';

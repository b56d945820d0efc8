// What the apps and libs use. Test helpers (the AMQP encoder, metric registration for the
// metric-name checks) are in `@app/messaging/testing`, outside the production face.
export { messagingOptionsOf, withMessagingTables } from './app-messaging.js';
export { BrokerConnection } from './broker-connection.js';
export { CommandReplies, type CommandOutcome, type DeferredReply } from './command-replies.js';
export { connectMessageTransport } from './connect-message-transport.js';
export { DeadLetterMetrics, type StoredDeadLetters } from './dead-letter-metrics.js';
export { DomainError } from './domain.error.js';
export { HEADERS, fromAmqp, type Envelope } from './envelope.js';
export { Handles, HandlesWithoutInbox } from './handles.decorator.js';
export { MessageBus } from './message-bus.js';
export { MessageContext } from './message-context.js';
export { continuingTrace } from './message-scope.js';
export { MessagingMetrics, type MessagingCounts } from './messaging-metrics.js';
export { MessagingModule } from './messaging.module.js';
export type { Destination, OutboxMessage } from './outbox-publisher.js';
export { outboxInsert } from './outbox-insert.js';
export { QueueProbe } from './queue-probe.js';
export { REPLIES_QUEUE, Topology } from './topology.js';
export { parseTraceparent } from './traceparent.js';

export {
  messagingChaosOf,
  messagingOptionsOf,
  withMessagingTables,
  type AppMessagingConfig,
} from './app-messaging.js';
export { BrokerConnection } from './broker-connection.js';
export { CommandReplies, type CommandOutcome, type DeferredReply } from './command-replies.js';
export { connectMessageTransport } from './connect-message-transport.js';
export { DeadLetterMetrics, type StoredDeadLetters } from './dead-letter-metrics.js';
export { deliveryConcurrency, POOL_RESERVE } from './delivery-slots.js';
export { DomainError, type DomainErrorOptions } from './domain.error.js';
export { HEADERS, fromAmqp, toAmqp, type Envelope, type MessageMeta } from './envelope.js';
export { PROCESS_KILLER, type ProcessKiller } from './fault-injector.js';
export { Handles, type HandlerMethod } from './handles.decorator.js';
export { InvalidMessageError } from './invalid-message.error.js';
export { MessageBus, type ReplyAddress } from './message-bus.js';
export { MessageContext } from './message-context.js';
export { continuingTrace } from './message-scope.js';
export {
  MessageTransport,
  type MessageTransportEvents,
  type MessageTransportStatus,
} from './message-transport.js';
export { MessagingChaos } from './messaging-chaos.js';
export { MessagingMetrics, type MessagingCounts } from './messaging-metrics.js';
export { MessagingModule } from './messaging.module.js';
export type {
  FaultInjection,
  MessagingChaosKind,
  MessagingChaosOptions,
  MessagingOptions,
  OutboxOptions,
  RetryOptions,
} from './messaging.options.js';
export { CreateInbox1795654000001 } from './migrations/1795654000001-create-inbox.js';
export { CreateOutbox1795654000000 } from './migrations/1795654000000-create-outbox.js';
export { KeepRepliesInInbox1795654000002 } from './migrations/1795654000002-keep-replies-in-inbox.js';
export { PublishOutboxAfterCommit1795654000003 } from './migrations/1795654000003-publish-outbox-after-commit.js';
export { messagingMigrations } from './migrations/messaging-migrations.js';
export { OutboxMetrics } from './outbox-metrics.js';
export { OutboxFlusher } from './outbox-flusher.js';
export type { Destination } from './outbox-publisher.js';
export { OutboxRelay } from './outbox-relay.js';
export { QueueProbe, type QueueLoad } from './queue-probe.js';
export { REPLIES_QUEUE, Topology } from './topology.js';
export { parseTraceparent } from './traceparent.js';
export { transientFailureOf, type TransientFailure } from './transient-failure.js';

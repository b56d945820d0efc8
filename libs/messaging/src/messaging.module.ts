import { DynamicModule, Module, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { BrokerConnection } from './broker-connection.js';
import { DeadLetterMetrics } from './dead-letter-metrics.js';
import { FaultInjector, killProcess, PROCESS_KILLER } from './fault-injector.js';
import { CommandReplies } from './command-replies.js';
import { Inbox } from './inbox.js';
import { OutboxFlusher } from './outbox-flusher.js';
import { OutboxPublisher } from './outbox-publisher.js';
import { MessageBus } from './message-bus.js';
import { MessageDispatcher } from './message-dispatcher.js';
import { MessagePublisher } from './message-publisher.js';
import { MessageTransport } from './message-transport.js';
import { MessagingChaos } from './messaging-chaos.js';
import { MessagingMetrics } from './messaging-metrics.js';
import {
  MESSAGING_OPTIONS,
  resolveMessagingOptions,
  type MessagingOptions,
  type ResolvedMessagingOptions,
} from './messaging.options.js';
import { OutboxMetrics } from './outbox-metrics.js';
import { OutboxRelay } from './outbox-relay.js';
import { QueueProbe } from './queue-probe.js';
import { RequestTraceMiddleware } from './request-trace.middleware.js';
import { Topology } from './topology.js';

/**
 * RabbitMQ with an outbox and an inbox. Needs the app's DataSource (PersistenceModule) and the
 * outbox and inbox migrations among the app's migrations. The app consumes its queues once
 * `connectMessageTransport(app)` has connected the `MessageTransport` and the app started it.
 */
@Module({})
export class MessagingModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(RequestTraceMiddleware).forRoutes('*');
  }

  static forRoot(options: MessagingOptions): DynamicModule {
    const resolved = resolveMessagingOptions(options);
    return {
      module: MessagingModule,
      global: true,
      imports: [TerminusModule],
      providers: [
        { provide: MESSAGING_OPTIONS, useValue: resolved },
        {
          provide: Topology,
          useFactory: (o: ResolvedMessagingOptions) => new Topology(o),
          inject: [MESSAGING_OPTIONS],
        },
        { provide: PROCESS_KILLER, useValue: killProcess },
        BrokerConnection,
        MessagePublisher,
        Inbox,
        MessageBus,
        CommandReplies,
        OutboxPublisher,
        OutboxFlusher,
        MessageDispatcher,
        MessageTransport,
        OutboxRelay,
        QueueProbe,
        FaultInjector,
        MessagingChaos,
        MessagingMetrics,
        OutboxMetrics,
        DeadLetterMetrics,
      ],
      exports: [
        BrokerConnection,
        DeadLetterMetrics,
        MessageBus,
        CommandReplies,
        MessageTransport,
        MessagingMetrics,
        MessagingChaos,
        Topology,
        OutboxRelay,
        QueueProbe,
      ],
    };
  }
}

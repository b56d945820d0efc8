import { type DynamicModule, Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import type { BrokerEnv, DatabaseEnv, IdentityEnv, ServiceEnv } from '@app/config';
import { DomainEventMetrics } from '@app/metrics';
import { BrokerConnection, MessagingModule, messagingOptionsOf } from '@app/messaging';
import {
  AfterCommitPublisher,
  DatabaseHealthIndicator,
  PersistenceModule,
  persistenceOptionsOf,
  type SchemaDefinition,
} from '@app/persistence';
import { infrastructureModules } from '@app/runtime';

/** The settings every participant has: its service's, identity's, database's and broker's. */
export type ParticipantConfig = ServiceEnv &
  IdentityEnv &
  Partial<DatabaseEnv> &
  Partial<BrokerEnv>;

export interface ParticipantOptions {
  /** order, credit or payment: its logs, database role, broker connection and `<service>.commands`. */
  service: string;
  config: ParticipantConfig;
  /** The schema it owns, with the outbox and inbox tables. */
  schema: SchemaDefinition;
}

/**
 * What a participant stands on besides its own handlers: the infrastructure every app has, its
 * schema, its command queue (ready once the database and the broker answer), the CQRS buses, and
 * domain events published after commit and counted. The app's root module imports it and states
 * only its own controllers and providers.
 */
@Module({})
export class ParticipantModule {
  static forRoot({ service, config, schema }: ParticipantOptions): DynamicModule {
    return {
      module: ParticipantModule,
      imports: [
        ...infrastructureModules({
          service,
          config,
          data: [
            PersistenceModule.forRoot(persistenceOptionsOf(service, config, schema)),
            MessagingModule.forRoot(
              messagingOptionsOf(service, config, { consume: [`${service}.commands`] }),
            ),
          ],
          readiness: [DatabaseHealthIndicator, BrokerConnection],
        }),
        CqrsModule.forRoot(),
      ],
      providers: [DomainEventMetrics, AfterCommitPublisher],
      exports: [AfterCommitPublisher],
    };
  }
}

import { DynamicModule, Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { DomainEventMetrics } from '@app/metrics';
import { BrokerConnection, MessagingModule, messagingOptionsOf } from '@app/messaging';
import {
  AfterCommitPublisher,
  DatabaseHealthIndicator,
  PersistenceModule,
  persistenceOptionsOf,
} from '@app/persistence';
import { infrastructureModules } from '@app/runtime';
import { CreateCustomerHandler } from './commands/create-customer.handler.js';
import { ReleaseCreditHandler } from './commands/release-credit.handler.js';
import { ReserveCreditHandler } from './commands/reserve-credit.handler.js';
import type { CreditConfig } from './credit.config.js';
import { CreditController } from './credit.controller.js';
import { CreditRepository } from './credit.repository.js';
import { creditSchema } from './credit.schema.js';
import { LogCreditEventsHandler } from './events/log-credit-events.handler.js';
import { GetCustomerCreditHandler } from './queries/get-customer-credit.handler.js';
import { TypeOrmCreditRepository } from './typeorm-credit.repository.js';

@Module({})
export class CreditModule {
  static register(config: CreditConfig): DynamicModule {
    return {
      module: CreditModule,
      imports: [
        ...infrastructureModules({
          service: 'credit',
          config,
          data: [
            PersistenceModule.forRoot(persistenceOptionsOf('credit', config, creditSchema)),
            MessagingModule.forRoot(
              messagingOptionsOf('credit', config, { consume: ['credit.commands'] }),
            ),
          ],
          readiness: [DatabaseHealthIndicator, BrokerConnection],
        }),
        CqrsModule.forRoot(),
      ],
      controllers: [CreditController],
      providers: [
        DomainEventMetrics,
        ReserveCreditHandler,
        ReleaseCreditHandler,
        CreateCustomerHandler,
        GetCustomerCreditHandler,
        LogCreditEventsHandler,
        AfterCommitPublisher,
        { provide: CreditRepository, useClass: TypeOrmCreditRepository },
      ],
    };
  }
}

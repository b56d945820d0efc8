import { DynamicModule, Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { DomainEventMetrics } from '@app/metrics';
import { infrastructureModules } from '@app/runtime';
import { CreateCustomerHandler } from './commands/create-customer.handler.js';
import { ReleaseCreditHandler } from './commands/release-credit.handler.js';
import { ReserveCreditHandler } from './commands/reserve-credit.handler.js';
import type { CreditConfig } from './credit.config.js';
import { CreditController } from './credit.controller.js';
import { CreditRepository } from './credit.repository.js';
import { creditSchema } from './credit.schema.js';
import { AfterCommitPublisher } from '@app/persistence';
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
          database: creditSchema,
          messaging: { consume: ['credit.commands'] },
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

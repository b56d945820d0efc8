import { DynamicModule, Module } from '@nestjs/common';
import { ParticipantModule } from '@app/participant';
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
      imports: [ParticipantModule.forRoot({ service: 'credit', config, schema: creditSchema })],
      controllers: [CreditController],
      providers: [
        ReserveCreditHandler,
        ReleaseCreditHandler,
        CreateCustomerHandler,
        GetCustomerCreditHandler,
        LogCreditEventsHandler,
        { provide: CreditRepository, useClass: TypeOrmCreditRepository },
      ],
    };
  }
}
